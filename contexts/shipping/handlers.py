"""Shipping reacts to confirmed and cancelled orders. Each handler decodes the event and calls
one service; the services check the shipment's state, so the events may arrive in any order and
any number of times."""

from __future__ import annotations

from contexts.orders.events import OrderCancelled, OrderConfirmed
from contexts.shipping import services
from modulith import subscribe


@subscribe(OrderConfirmed)
def on_order_confirmed(event: OrderConfirmed) -> None:
    address = event.shipping_address
    services.shipment_create_for_order(
        order_id=event.order_id,
        customer_id=event.customer_id,
        recipient_name=address.name,
        address_line1=address.line1,
        address_line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        country=address.country,
    )


@subscribe(OrderCancelled)
def on_order_cancelled(event: OrderCancelled) -> None:
    services.shipment_cancel_for_order(order_id=event.order_id, customer_id=event.customer_id)
