"""HTTP layer of payments: validate, make one call into services or selectors, serialize.

Customers save cards and see their own payments; staff see every payment. Somebody else's
payment answers 404, the same as one that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.payments import selectors, services
from contexts.payments.providers import ProviderUnavailable, UnknownToken
from modulith.http import schema_errors
from modulith.http.authentication import Role, request_principal
from modulith.http.inputs import StrictInput
from modulith.http.pagination import BoundedLimitOffsetPagination, paginated_response
from modulith.http.permissions import IsCustomer
from modulith.http.problems import ProblemError, Unprocessable
from modulith.http.schema import extend_schema, extend_schema_view
from modulith.http.views import ScopedDetailView, ScopedListView

TAGS = ["payments"]

PROBLEM_400 = schema_errors.INVALID_INPUT
SIGNED_IN = schema_errors.signed_in(marked=False)
CUSTOMERS_ONLY = schema_errors.role_only(Role.CUSTOMER, marked=False)
PROBLEM_404 = schema_errors.problem_response(
    "No such payment among those the caller may see", marked=False
)
PROBLEM_422 = schema_errors.problem_response(
    "The payment provider does not know this token, which no schema can state (type "
    "/problems/unprocessable-input, the reason under errors on token)",
    marked=False,
)
PROBLEM_503 = schema_errors.problem_response(
    "The payment provider is unavailable; retry later", marked=False
)


class PaymentMethodOutput(serializers.Serializer):
    id = serializers.UUIDField()
    brand = serializers.CharField()
    last4 = serializers.CharField()
    created_at = serializers.DateTimeField()


class PaymentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    customer_id = serializers.UUIDField()
    status = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    failure_reason = serializers.CharField()
    failure_detail = serializers.CharField()
    payment_method = PaymentMethodOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PaymentMethodCollectionView(APIView):
    """GET lists the caller's saved cards; POST saves one."""

    permission_classes = [IsCustomer]
    pagination_class = BoundedLimitOffsetPagination

    class PaymentMethodCreateInput(StrictInput):
        token = serializers.CharField(
            max_length=100,
            help_text="A card token from the payment provider. The test provider knows "
            "tok_visa, tok_declined, tok_insufficient_funds and tok_unavailable.",
        )

    @extend_schema(
        tags=TAGS,
        operation_id="payments_methods_list",
        summary="List my payment methods",
        description="The caller's saved cards, newest first.",
        responses={200: PaymentMethodOutput(many=True), **CUSTOMERS_ONLY},
    )
    def get(self, request: Request) -> Response:
        methods = selectors.payment_method_list(customer_id=request_principal(request).id)
        return paginated_response(view=self, items=methods, output=PaymentMethodOutput)

    @extend_schema(
        tags=TAGS,
        operation_id="payments_methods_create",
        summary="Save a payment method",
        description="Saves a tokenised card for the caller. Orders name it by its id.",
        request=PaymentMethodCreateInput,
        responses={
            201: PaymentMethodOutput,
            400: PROBLEM_400,
            **CUSTOMERS_ONLY,
            422: PROBLEM_422,
            503: PROBLEM_503,
        },
    )
    def post(self, request: Request) -> Response:
        payload = self.PaymentMethodCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            method = services.payment_method_create(
                customer_id=request_principal(request).id, token=payload.validated_data["token"]
            )
        except UnknownToken as unknown:
            raise Unprocessable({"token": [str(unknown)]}) from unknown
        except ProviderUnavailable as unavailable:
            raise provider_unavailable_problem() from unavailable
        return Response(PaymentMethodOutput(method).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="payments_list",
        summary="List payments",
        description="The caller's payments, newest first; staff see everybody's.",
        responses={200: PaymentOutput(many=True), **SIGNED_IN},
    )
)
class PaymentListView(ScopedListView):
    output = PaymentOutput
    rows = selectors.payment_list


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        operation_id="payments_retrieve",
        summary="Show a payment",
        description="One of the caller's payments (staff: any payment).",
        responses={200: PaymentOutput, **SIGNED_IN, 404: PROBLEM_404},
    )
)
class PaymentDetailView(ScopedDetailView):
    lookup_url_kwarg = "payment_id"
    output = PaymentOutput
    not_found = selectors.PaymentNotFound
    not_found_detail = "No such payment."
    row = selectors.payment_get


def provider_unavailable_problem() -> ProblemError:
    return ProblemError(
        status=503,
        problem_type="/problems/payment-provider-unavailable",
        title="Payment provider unavailable",
        detail="The payment provider cannot be reached right now; try again in a minute.",
    )
