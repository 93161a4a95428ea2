"""The order as every orders endpoint shows it. Inputs are nested in the views that take them."""

from __future__ import annotations

from rest_framework import serializers

from contexts.orders.models import (
    Order,
    OrderStatus,
    PaymentStatus,
    RejectionReason,
    StockStatus,
)
from modulith.http.representation import represent


def money(help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text or None)


class OrderLineOutput(serializers.Serializer):
    class Meta:
        ref_name = "OrderLine"

    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = money(help_text="Snapshotted at placement.")
    line_total = money(help_text="unit_price times quantity, rounded half up to cents.")


class OrderShippingAddressOutput(serializers.Serializer):
    class Meta:
        ref_name = "OrderShippingAddress"

    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postal_code = serializers.CharField(source="shipping_postal_code")
    country = serializers.CharField(source="shipping_country")


class OrderOutput(serializers.Serializer):
    class Meta:
        ref_name = "Order"

    id = serializers.UUIDField()
    customer_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    stock_status = serializers.ChoiceField(
        choices=StockStatus.choices, help_text="Where inventory's reservation stands."
    )
    payment_status = serializers.ChoiceField(
        choices=PaymentStatus.choices, help_text="Where the payment stands."
    )
    rejection_reason = serializers.ChoiceField(
        choices=RejectionReason.choices, allow_blank=True, help_text="Set once rejected."
    )
    rejection_detail = serializers.CharField()
    currency = serializers.CharField(help_text="ISO 4217 code of every amount in the order.")
    subtotal = money()
    shipping_cost = money()
    total = money()
    lines = OrderLineOutput(many=True)
    shipping_address = OrderShippingAddressOutput(source="*")
    payment_method_id = serializers.UUIDField()
    tracking_number = serializers.CharField()
    placed_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


def render_order(order: Order) -> dict:
    return represent(OrderOutput, order)
