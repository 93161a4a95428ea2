"""HTTP layer of shipping: validate, make one call into services or selectors, serialize.

Customers follow their own shipments; staff see all of them and move parcels along (dispatch,
deliver). Somebody else's shipment answers 404, the same as one that does not exist. Quotes are
public: a shop front shows shipping costs before anyone logs in.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.shipping import api, selectors, services
from contexts.shipping.models import DEFAULT_CURRENCY, RATE_CURRENCIES, Shipment
from modulith.http import schema_errors
from modulith.http.authentication import Role
from modulith.http.inputs import BoundedListField, StrictInput
from modulith.http.problems import ProblemError
from modulith.http.schema import extend_schema, extend_schema_view
from modulith.http.throttling import AddressRateThrottle
from modulith.http.views import (
    RowView,
    ScopedDetailView,
    ScopedListView,
    TransitionView,
    post_operation,
)

TAGS = ["shipping"]

PROBLEM_400 = schema_errors.INVALID_INPUT
SIGNED_IN = schema_errors.signed_in(marked=False)
STAFF_ONLY = schema_errors.role_only(Role.STAFF, marked=False)
PROBLEM_404 = schema_errors.problem_response(
    "No such shipment among those the caller may see", marked=False
)
PROBLEM_409 = schema_errors.problem_response(
    "The shipment is not in a state that allows this", marked=False
)
PROBLEM_429 = schema_errors.TOO_MANY_REQUESTS
PROBLEM_422 = schema_errors.problem_response(
    "No rate covers this destination or the parcel's total weight (the sum over the lines, "
    "which no schema can state; the default rates go up to 20 kg and serve every country), "
    "type /problems/no-shipping-rate",
    marked=False,
)


class AddressOutput(serializers.Serializer):
    name = serializers.CharField(source="recipient_name")
    line1 = serializers.CharField(source="address_line1")
    line2 = serializers.CharField(source="address_line2")
    city = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()


class TrackingStepOutput(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()


class ShipmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    customer_id = serializers.UUIDField()
    status = serializers.CharField()
    tracking_number = serializers.CharField()
    address = AddressOutput(source="*")
    tracking = serializers.SerializerMethodField(
        help_text="What happened to the parcel so far, oldest first."
    )
    created_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(TrackingStepOutput(many=True))
    def get_tracking(self, shipment: Shipment) -> Any:
        steps = [
            ("created", shipment.created_at),
            ("dispatched", shipment.dispatched_at),
            ("delivered", shipment.delivered_at),
            ("cancelled", shipment.cancelled_at),
        ]
        return TrackingStepOutput(
            [{"status": status, "at": at} for status, at in steps if at is not None], many=True
        ).data


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="shipping_shipments_list",
        summary="List shipments",
        description="The caller's shipments, newest first; staff see everybody's.",
        responses={200: ShipmentOutput(many=True), **SIGNED_IN},
    )
)
class ShipmentListView(ScopedListView):
    output = ShipmentOutput
    rows = selectors.shipment_list


class ShipmentView(RowView):
    """One shipment by the id in its URL."""

    lookup_url_kwarg = "shipment_id"
    output = ShipmentOutput
    not_found = selectors.ShipmentNotFound
    not_found_detail = "No such shipment."


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="shipping_shipments_retrieve",
        summary="Track a shipment",
        description="One of the caller's shipments with its tracking (staff: any shipment).",
        responses={200: ShipmentOutput, **SIGNED_IN, 404: PROBLEM_404},
    )
)
class ShipmentDetailView(ShipmentView, ScopedDetailView):
    row = selectors.shipment_get


def state_conflict(conflict: services.ShipmentStateConflict) -> ProblemError:
    return ProblemError(
        status=409,
        problem_type="/problems/shipment-state-conflict",
        title="Shipment state conflict",
        detail=str(conflict),
        shipment_status=conflict.status,
    )


class ShipmentTransitionView(ShipmentView, TransitionView):
    """Staff move a parcel along; a shipment in the wrong state answers 409."""

    conflict = services.ShipmentStateConflict
    conflict_problem = state_conflict


# What dispatching and delivering have in common in the OpenAPI document.
SHIPMENT_TRANSITION: dict[str, Any] = {
    "tags": TAGS,
    "request": None,
    "responses": {
        200: ShipmentOutput,
        **STAFF_ONLY,
        404: PROBLEM_404,
        409: PROBLEM_409,
    },
}


@post_operation("shipping_shipments_dispatch", "Dispatch a shipment", **SHIPMENT_TRANSITION)
class ShipmentDispatchView(ShipmentTransitionView):
    """Staff only. A created shipment goes to the carrier (ShipmentDispatched)."""

    transition = services.shipment_dispatch


@post_operation("shipping_shipments_deliver", "Mark a shipment delivered", **SHIPMENT_TRANSITION)
class ShipmentDeliverView(ShipmentTransitionView):
    """Staff only. A dispatched shipment has arrived (ShipmentDelivered)."""

    transition = services.shipment_deliver


class ParcelLineInput(StrictInput):
    sku = serializers.CharField(max_length=32)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    weight_grams = serializers.IntegerField(
        min_value=0, max_value=1_000_000, help_text="Weight of one unit."
    )


class QuoteView(APIView):
    """Public: anonymous callers get quotes too; a token, if sent, is still verified."""

    permission_classes = [AllowAny]
    # Public, so counted per client address (THROTTLE_QUOTE_RATE), token or not.
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "quote"

    class QuoteInput(StrictInput):
        lines = BoundedListField(child=ParcelLineInput(), min_length=1, max_length=100)
        country = serializers.RegexField(
            r"^[A-Za-z]{2}$",
            help_text="Destination, ISO 3166-1 alpha-2.",
            error_messages={"invalid": "Use a two-letter ISO 3166-1 country code."},
        )
        currency = serializers.ChoiceField(
            choices=RATE_CURRENCIES,
            required=False,
            default=DEFAULT_CURRENCY,
            help_text="The currencies rates are priced in.",
        )

    class QuoteOutput(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        currency = serializers.CharField()
        zone = serializers.CharField()
        total_weight_grams = serializers.IntegerField()

    @extend_schema(
        tags=TAGS,
        operation_id="shipping_quotes_create",
        summary="Quote shipping costs",
        description="What a parcel holding these lines costs to ship to a country. Public.",
        request=QuoteInput,
        responses={200: QuoteOutput, 400: PROBLEM_400, 422: PROBLEM_422, 429: PROBLEM_429},
    )
    def post(self, request: Request) -> Response:
        payload = self.QuoteInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            parcel_quote = api.quote(
                lines=[api.ParcelLine(**line) for line in data["lines"]],
                country=data["country"],
                currency=data["currency"],
            )
        except api.NoShippingRate as no_rate:
            raise ProblemError(
                status=422,
                problem_type="/problems/no-shipping-rate",
                title="No shipping rate",
                detail=str(no_rate),
            ) from no_rate
        return Response(self.QuoteOutput(parcel_quote).data)
