"""HTTP layer of the catalog: validate, make one call into services or selectors, serialize.

Browsing is public (no token needed). Writing is for staff (role "staff"). Staff also see
retired products: always on the detail endpoint, and in the list with ?include_retired=true.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.catalog import selectors, services
from contexts.catalog.caching import PRODUCTS, catalog_cache
from contexts.catalog.models import DEFAULT_CURRENCY
from modulith.http import schema_errors
from modulith.http.authentication import Role
from modulith.http.inputs import StrictInput
from modulith.http.pagination import BoundedLimitOffsetPagination, cached_paginated_response
from modulith.http.permissions import IsStaff
from modulith.http.problems import ProblemError
from modulith.http.schema import extend_schema
from modulith.http.views import TransitionView, post_operation

SKU_PATTERN = r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"
SKU_MESSAGE = "Use 1-32 characters: A-Z, 0-9 and single hyphens between them (e.g. MUG-001)."
TAGS = ["catalog"]
SKU_PARAMETER = OpenApiParameter(
    "sku", str, OpenApiParameter.PATH, description="The product's stock keeping unit, e.g. MUG-001."
)

PROBLEM_400 = schema_errors.INVALID_INPUT
STAFF_ONLY = schema_errors.role_only(Role.STAFF)
PROBLEM_404 = schema_errors.problem_response("No such product")
PROBLEM_409_SKU_TAKEN = schema_errors.problem_response(
    "A product with this sku exists (type /problems/sku-taken)"
)


def price_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


class ProductOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    weight_grams = serializers.IntegerField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def staff_only_for_writes(request: Request) -> list[BasePermission]:
    return [AllowAny()] if request.method in ("GET", "HEAD", "OPTIONS") else [IsStaff()]


class ProductCollectionView(APIView):
    """GET lists products (public); POST creates one (staff)."""

    pagination_class = BoundedLimitOffsetPagination

    class ProductFilter(serializers.Serializer):
        search = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=200,
            help_text="Case-insensitive part of the name.",
        )
        # A min_price above max_price is no error (a schema cannot compare two parameters):
        # no price lies in that range, so the page is empty.
        min_price = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, help_text="Lowest price, inclusive."
        )
        max_price = serializers.DecimalField(
            max_digits=12,
            decimal_places=2,
            required=False,
            help_text="Highest price, inclusive. Below min_price, nothing matches.",
        )
        include_retired = serializers.BooleanField(
            required=False, default=False, help_text="Staff only: list retired products too."
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # DRF takes `?min_price=` for an absent value; the schema's pattern refuses it.
            blank = [
                name for name in ("min_price", "max_price") if self.initial_data.get(name) == ""
            ]
            if blank:
                raise ValidationError({name: ["A number is required."] for name in blank})
            return attrs

    # Beside limit and offset, the list accepts ProductFilter's fields and no other.
    query_parameter_names = tuple(ProductFilter().fields)

    class ProductCreateInput(StrictInput):
        sku = serializers.RegexField(
            SKU_PATTERN, max_length=32, error_messages={"invalid": SKU_MESSAGE}
        )
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        price = price_field()
        currency = serializers.RegexField(
            r"^[A-Z]{3}$",
            required=False,
            default=DEFAULT_CURRENCY,
            error_messages={"invalid": "Use an ISO 4217 code: three capital letters."},
        )
        weight_grams = serializers.IntegerField(min_value=1, max_value=1_000_000)
        active = serializers.BooleanField(required=False, default=True)

    def get_permissions(self) -> list[BasePermission]:
        return staff_only_for_writes(self.request)

    @extend_schema(
        tags=TAGS,
        operation_id="catalog_products_list",
        summary="List products",
        description="Active products, by name. Public. Staff may add include_retired=true.",
        parameters=[ProductFilter],
        responses={
            200: ProductOutput(many=True),
            400: PROBLEM_400,
            **STAFF_ONLY,
        },
    )
    def get(self, request: Request) -> Response:
        # Pages are cached under the query string as sent: one is stored only after its query
        # string was valid and allowed to the caller's role, so a hit need not check it again.
        staff = request.user.is_staff
        return cached_paginated_response(
            view=self,
            items=lambda: selectors.product_list(**self.filters(request)),
            output=ProductOutput,
            cache=catalog_cache,
            scope=PRODUCTS,
            key=f"page:{request.META.get('QUERY_STRING', '')}&staff={staff}",
        )

    def filters(self, request: Request) -> dict[str, Any]:
        query = self.ProductFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters: dict[str, Any] = query.validated_data
        if filters["include_retired"] and not request.user.is_staff:
            self.permission_denied(request, message="Only staff may list retired products.")
        return filters

    @extend_schema(
        tags=TAGS,
        operation_id="catalog_products_create",
        summary="Create a product",
        description="Staff only. An active product is published (ProductPublished) at once.",
        request=ProductCreateInput,
        responses={201: ProductOutput, 400: PROBLEM_400, 409: PROBLEM_409_SKU_TAKEN, **STAFF_ONLY},
    )
    def post(self, request: Request) -> Response:
        payload = self.ProductCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            product = services.product_create(**payload.validated_data)
        except services.ProductSkuTaken as taken:
            # The catalog's state refuses it, not the request's shape: a conflict.
            raise ProblemError(
                status=status.HTTP_409_CONFLICT,
                problem_type="/problems/sku-taken",
                title="Sku taken",
                detail=str(taken),
            ) from taken
        return Response(ProductOutput(product).data, status=status.HTTP_201_CREATED)


class ProductItemView(APIView):
    """GET shows one product (public; staff also see retired ones); PATCH changes it (staff)."""

    class ProductUpdateInput(StrictInput):
        name = serializers.CharField(required=False, max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        price = price_field(required=False)
        weight_grams = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def get_permissions(self) -> list[BasePermission]:
        return staff_only_for_writes(self.request)

    @extend_schema(
        tags=TAGS,
        operation_id="catalog_products_retrieve",
        parameters=[SKU_PARAMETER],
        summary="Show a product",
        description="Public for active products; staff also see retired ones.",
        responses={200: ProductOutput, 404: PROBLEM_404},
    )
    def get(self, request: Request, sku: str) -> Response:
        try:
            product = selectors.product_get(sku=sku, include_retired=request.user.is_staff)
        except selectors.ProductNotFound as missing:
            raise NotFound(str(missing)) from missing
        return Response(ProductOutput(product).data)

    @extend_schema(
        tags=TAGS,
        operation_id="catalog_products_update",
        parameters=[SKU_PARAMETER],
        summary="Change a product",
        description=(
            "Staff only. Send only the fields to change. A new price publishes "
            "ProductPriceChanged; the currency is fixed at creation."
        ),
        request=ProductUpdateInput,
        responses={
            200: ProductOutput,
            400: PROBLEM_400,
            **STAFF_ONLY,
            404: PROBLEM_404,
        },
    )
    def patch(self, request: Request, sku: str) -> Response:
        payload = self.ProductUpdateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            product = services.product_update(sku=sku, **payload.validated_data)
        except selectors.ProductNotFound as missing:
            raise NotFound(str(missing)) from missing
        return Response(ProductOutput(product).data)


class ProductTransitionView(TransitionView):
    """Staff take a product off sale or put it back; either is a no-op when already done."""

    lookup_url_kwarg = "sku"
    output = ProductOutput
    not_found = selectors.ProductNotFound


# What retiring and publishing have in common in the OpenAPI document.
PRODUCT_TRANSITION: dict[str, Any] = {
    "tags": TAGS,
    "parameters": [SKU_PARAMETER],
    "request": None,
    "responses": {200: ProductOutput, **STAFF_ONLY, 404: PROBLEM_404},
}


@post_operation("catalog_products_retire", "Retire a product", **PRODUCT_TRANSITION)
class ProductRetireView(ProductTransitionView):
    """Staff only. Publishes ProductRetired; retiring again changes nothing."""

    transition = services.product_retire


@post_operation("catalog_products_publish", "Put a product on sale again", **PRODUCT_TRANSITION)
class ProductPublishView(ProductTransitionView):
    """Staff only. Publishes ProductPublished; an active product is left alone."""

    transition = services.product_publish
