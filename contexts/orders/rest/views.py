"""HTTP layer of orders: validate, make one call into services or selectors, serialize.

Customers place orders and see and cancel their own; staff see and cancel everybody's. Another
customer's order answers 404, not 403, so order ids cannot be probed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from contexts.orders import selectors, services
from contexts.orders.events import ShippingAddress
from contexts.orders.rest import problems
from contexts.orders.rest.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    REPLAYED_HEADER,
    fingerprint,
    idempotency_key,
)
from contexts.orders.rest.serializers import OrderOutput, render_order
from contexts.orders.selectors import OrderNotFound
from modulith.http.authentication import request_principal
from modulith.http.inputs import BoundedListField, StrictInput
from modulith.http.pagination import BoundedLimitOffsetPagination, paginated_response
from modulith.http.permissions import IsCustomer
from modulith.http.problems import ProblemError, Unprocessable
from modulith.http.representation import representation_key
from modulith.http.schema import extend_schema, extend_schema_view
from modulith.http.scope import Scope
from modulith.http.views import RowView, TransitionView

TAGS = ["orders"]
MAX_LINES = 50
MAX_QUANTITY = 100


class OrderLineInput(StrictInput):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderShippingAddressInput(StrictInput):
    name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        help_text="ISO 3166-1 alpha-2 code, e.g. DE.",
        error_messages={"invalid": "Use the two-letter ISO 3166-1 code, e.g. DE."},
    )

    def validate_country(self, value: str) -> str:
        return value.upper()


class OrderCollectionView(APIView):
    """GET lists the caller's orders (staff: everybody's); POST places an order."""

    pagination_class = BoundedLimitOffsetPagination

    class OrderPlaceInput(StrictInput):
        lines = BoundedListField(child=OrderLineInput(), min_length=1, max_length=MAX_LINES)
        shipping_address = OrderShippingAddressInput()
        payment_method_id = serializers.UUIDField(
            help_text="A payment method registered at POST /api/payments/methods/."
        )

    # Placements are counted per customer (THROTTLE_ORDER_RATE): each one tries a card.
    throttle_scope = "order"
    # A placement runs again safely with its Idempotency-Key (modulith.http.connections).
    idempotent_by_key_methods = ("POST",)

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "POST":
            return [IsCustomer()]
        return [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        operation_id="orders_list",
        summary="List orders",
        description="The caller's orders, newest first; staff see every customer's.",
        responses={200: OrderOutput(many=True), **problems.SIGNED_IN},
    )
    def get(self, request: Request) -> Response:
        orders = selectors.order_list(scope=Scope.of(request_principal(request)))
        return paginated_response(view=self, items=orders, output=OrderOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_place",
        summary="Place an order",
        description=(
            "Prices the lines from the catalog and the shipping cost from the shipping rates, "
            "stores the order as pending and starts its saga: stock reservation and payment "
            "run in parallel; poll the order until its status is confirmed or rejected.\n\n"
            f"Requires an `{HEADER}` header (at most 255 characters, unique per order, e.g. a "
            "UUID). Retrying with the same key and body answers the first response again, with "
            f"`{REPLAYED_HEADER}: true`; the same key with another body is a 422. Each sku may "
            "appear on one line only. A request refused with 400 or 422 stores nothing: its key "
            "stays free."
        ),
        parameters=[
            OpenApiParameter(
                HEADER,
                # Not blank: at least one character that is not white space.
                {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"\S"},
                OpenApiParameter.HEADER,
                required=True,
                description=f"Unique per order; at most {MAX_KEY_LENGTH} characters.",
            )
        ],
        request=OrderPlaceInput,
        responses={
            201: OpenApiResponse(
                OrderOutput,
                description=f"Placed (pending); or the first answer replayed ({REPLAYED_HEADER}).",
            ),
            400: problems.PROBLEM_400,
            **problems.CUSTOMERS_ONLY,
            409: problems.PROBLEM_409_IN_PROGRESS,
            422: problems.PROBLEM_422,
            429: problems.PROBLEM_429,
        },
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        claim = services.IdempotencyClaim(
            key=idempotency_key(request), fingerprint=fingerprint(request.data)
        )
        payload = self.OrderPlaceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        refuse_duplicate_skus(data["lines"])
        order_request = services.OrderRequest(
            customer_id=principal.id,
            lines=tuple(
                services.RequestedLine(sku=line["sku"], quantity=line["quantity"])
                for line in data["lines"]
            ),
            shipping_address=ShippingAddress(**data["shipping_address"]),
            payment_method_id=data["payment_method_id"],
        )
        try:
            placement = services.order_place(
                request=order_request, claim=claim, render=render_order
            )
        except services.InvalidOrderRequest as invalid:
            raise Unprocessable(problems.field_errors(invalid.problems)) from invalid
        except services.IdempotencyKeyReused as reused:
            raise problems.idempotency_key_reused() from reused
        except services.IdempotentRequestInProgress as busy:
            raise problems.request_in_progress() from busy
        headers = {"Location": reverse("orders-order", kwargs={"order_id": placement.order_id})}
        if placement.replayed:
            headers[REPLAYED_HEADER] = "true"
        return Response(placement.body, status=placement.status_code, headers=headers)


def refuse_duplicate_skus(lines: list[dict[str, Any]]) -> None:
    """One line per sku: merging duplicates silently could exceed the per-line cap without the
    client noticing, so they are refused. A 422, as no schema can say that a property is unique
    among a list's items."""
    first_index: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        first = first_index.setdefault(line["sku"], index)
        errors.append(
            {}
            if first == index
            else {"sku": [f"Duplicate of lines[{first}]: put the total on one line."]}
        )
    if any(errors):
        raise Unprocessable({"lines": errors}, code="duplicate_sku")


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="orders_retrieve",
        summary="Show an order",
        description="The caller's own order (staff: any order), with its saga's progress.",
        responses={200: OrderOutput, **problems.SIGNED_IN, 404: problems.PROBLEM_404},
    )
)
class OrderItemView(RowView):
    """The order's representation comes from the selector's cache (customers poll it while the
    saga runs); the selector checks the caller's scope on every answer."""

    permission_classes = [IsAuthenticated]
    lookup_url_kwarg = "order_id"
    output = OrderOutput
    not_found = OrderNotFound

    def get(self, request: Request, order_id: UUID) -> Response:
        scope = Scope.of(request_principal(request))
        return self.answer_rendered(
            lambda: selectors.order_representation(
                order_id=order_id,
                scope=scope,
                render=render_order,
                render_key=representation_key(OrderOutput),
            )
        )


def not_cancellable(refused: services.OrderNotCancellable) -> ProblemError:
    return problems.order_not_cancellable(detail=str(refused), order_status=refused.status)


@extend_schema_view(
    post=extend_schema(
        tags=TAGS,
        operation_id="orders_cancel",
        summary="Cancel an order",
        description=(
            "The order's customer or staff. Only a confirmed order that has not been dispatched "
            "can be cancelled; the payment is refunded and the stock put back."
        ),
        request=None,
        responses={
            200: OrderOutput,
            **problems.SIGNED_IN,
            404: problems.PROBLEM_404,
            409: problems.PROBLEM_409_NOT_CANCELLABLE,
        },
    )
)
class OrderCancelView(TransitionView):
    permission_classes = [IsAuthenticated]
    lookup_url_kwarg = "order_id"
    output = OrderOutput
    not_found = OrderNotFound
    transition = services.order_cancel
    scoped = True
    conflict = services.OrderNotCancellable
    conflict_problem = not_cancellable
