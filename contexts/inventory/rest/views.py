"""HTTP layer of inventory: validate, make one call into services or selectors, serialize.

Staff (role "staff") see stock levels and adjust them; every adjustment is kept in an audit log.
Anyone, without a token, may ask how many units of a sku are available.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.inventory import selectors, services
from modulith.http import schema_errors
from modulith.http.authentication import Role, request_principal
from modulith.http.inputs import StrictInput
from modulith.http.pagination import BoundedLimitOffsetPagination, paginated_response
from modulith.http.permissions import IsStaff
from modulith.http.problems import ProblemError
from modulith.http.schema import extend_schema

TAGS = ["inventory"]
SKU_PARAMETER = OpenApiParameter(
    "sku", str, OpenApiParameter.PATH, description="The stock keeping unit, e.g. MUG-001."
)

PROBLEM_400 = schema_errors.INVALID_INPUT
STAFF_ONLY = schema_errors.role_only(Role.STAFF)
PROBLEM_404 = schema_errors.problem_response("Inventory does not track this sku")
PROBLEM_409 = schema_errors.problem_response(
    "The adjustment would leave fewer units on hand than are reserved"
)


STOCK_BELOW_RESERVED = "/problems/stock-below-reserved"


@extend_schema_field(
    {"type": "integer", "minimum": -1_000_000, "maximum": 1_000_000, "not": {"enum": [0]}}
)
class NonZeroIntegerField(serializers.IntegerField):
    """An adjustment's delta: the schema says that zero is refused, as validate_delta does."""


class StockItemOutput(serializers.Serializer):
    sku = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text="Units held for orders not yet confirmed.")
    available = serializers.IntegerField(help_text="on_hand - reserved.")
    updated_at = serializers.DateTimeField()


class StockAdjustmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField(source="stock_item_id")
    delta = serializers.IntegerField()
    reason = serializers.CharField()
    on_hand_after = serializers.IntegerField()
    actor_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()


class StockListView(APIView):
    permission_classes = [IsStaff]
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="inventory_stock_list",
        summary="List stock levels",
        description="Staff only. Every tracked sku, by sku.",
        responses={200: StockItemOutput(many=True), **STAFF_ONLY},
    )
    def get(self, request: Request) -> Response:
        stock_items = selectors.stock_item_list()
        return paginated_response(view=self, items=stock_items, output=StockItemOutput)


class StockAvailabilityView(APIView):
    permission_classes = [AllowAny]

    class StockAvailabilityOutput(serializers.Serializer):
        sku = serializers.CharField()
        available = serializers.IntegerField(help_text="Units that can be ordered now.")

    @extend_schema(
        tags=TAGS,
        operation_id="inventory_stock_availability",
        parameters=[SKU_PARAMETER],
        summary="Show availability of a sku",
        description="Public. Staff find on-hand and reserved counts in the stock list.",
        responses={200: StockAvailabilityOutput, 404: PROBLEM_404},
    )
    def get(self, request: Request, sku: str) -> Response:
        try:
            item = selectors.stock_item_get(sku=sku)
        except selectors.StockItemNotFound as missing:
            raise NotFound(str(missing)) from missing
        return Response(self.StockAvailabilityOutput(item).data)


class StockAdjustmentsView(APIView):
    """GET lists a sku's audit log; POST adjusts its stock. Both staff only."""

    permission_classes = [IsStaff]
    pagination_class = BoundedLimitOffsetPagination

    class StockAdjustmentInput(StrictInput):
        delta = NonZeroIntegerField(
            min_value=-1_000_000,
            max_value=1_000_000,
            help_text="Units to add (positive) or remove (negative); not zero.",
        )
        reason = serializers.CharField(max_length=200, help_text="Why, for the audit log.")

        def validate_delta(self, value: int) -> int:
            if value == 0:
                raise ValidationError("A zero adjustment changes nothing.")
            return value

    @extend_schema(
        tags=TAGS,
        operation_id="inventory_stock_adjustments_list",
        parameters=[SKU_PARAMETER],
        summary="List a sku's stock adjustments",
        description="Staff only. The audit log, newest first.",
        responses={
            200: StockAdjustmentOutput(many=True),
            **STAFF_ONLY,
            404: PROBLEM_404,
        },
    )
    def get(self, request: Request, sku: str) -> Response:
        try:
            adjustments = selectors.stock_adjustment_list(sku=sku)
        except selectors.StockItemNotFound as missing:
            raise NotFound(str(missing)) from missing
        return paginated_response(view=self, items=adjustments, output=StockAdjustmentOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="inventory_stock_adjustments_create",
        parameters=[SKU_PARAMETER],
        summary="Adjust a sku's stock",
        description=(
            "Staff only. Changes on_hand by delta and records who and why. On hand may never "
            "drop below the reserved units (409)."
        ),
        request=StockAdjustmentInput,
        responses={
            201: StockAdjustmentOutput,
            400: PROBLEM_400,
            **STAFF_ONLY,
            404: PROBLEM_404,
            409: PROBLEM_409,
        },
    )
    def post(self, request: Request, sku: str) -> Response:
        payload = self.StockAdjustmentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            adjustment = services.stock_adjust(
                sku=sku, actor_id=request_principal(request).id, **payload.validated_data
            )
        except selectors.StockItemNotFound as missing:
            raise NotFound(str(missing)) from missing
        except services.StockBelowReserved as conflict:
            raise ProblemError(
                status=status.HTTP_409_CONFLICT,
                problem_type=STOCK_BELOW_RESERVED,
                title="Stock below reserved",
                detail=str(conflict),
                on_hand=conflict.on_hand,
                reserved=conflict.reserved,
            ) from conflict
        except services.StockAdjustmentInvalid as invalid:
            raise ValidationError({"delta": [str(invalid)]}) from invalid
        return Response(StockAdjustmentOutput(adjustment).data, status=status.HTTP_201_CREATED)
