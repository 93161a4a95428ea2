"""The parts of the orders' events that describe an order: lines and shipping address."""

from __future__ import annotations

from contexts.orders.events import OrderLine as OrderLinePayload
from contexts.orders.events import ShippingAddress
from contexts.orders.models import Order


def event_lines(order: Order) -> tuple[OrderLinePayload, ...]:
    return tuple(
        OrderLinePayload(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
        )
        for line in order.lines.all()
    )


def address_of(order: Order) -> ShippingAddress:
    return ShippingAddress(
        name=order.shipping_name,
        line1=order.shipping_line1,
        line2=order.shipping_line2,
        city=order.shipping_city,
        postal_code=order.shipping_postal_code,
        country=order.shipping_country,
    )
