"""Inventory's reactions to other contexts' events. Thin: decode, call one service.

Each runs in its own transaction with an inbox row (a redelivered event is skipped), and each
service also checks the order's state, so the same fact arriving twice or late is harmless.
"""

from __future__ import annotations

from contexts.catalog.events import ProductPublished
from contexts.inventory import services
from contexts.orders.events import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected
from modulith import PermanentError, subscribe


@subscribe(ProductPublished)
def on_product_published(event: ProductPublished) -> None:
    services.stock_item_ensure(sku=event.sku)


@subscribe(OrderPlaced)
def on_order_placed(event: OrderPlaced) -> None:
    try:
        services.reservation_place(
            order_id=event.order_id, lines=[(line.sku, line.quantity) for line in event.lines]
        )
    except services.ReservationRequestInvalid as error:
        # A malformed order will not improve with retries: dead-letter it for a person.
        raise PermanentError(str(error)) from error


@subscribe(OrderConfirmed)
def on_order_confirmed(event: OrderConfirmed) -> None:
    try:
        services.reservation_commit(order_id=event.order_id)
    except services.ReservationConflict as error:
        raise PermanentError(str(error)) from error


@subscribe(OrderRejected)
def on_order_rejected(event: OrderRejected) -> None:
    services.reservation_reject(order_id=event.order_id)


@subscribe(OrderCancelled)
def on_order_cancelled(event: OrderCancelled) -> None:
    services.reservation_cancel(order_id=event.order_id)
