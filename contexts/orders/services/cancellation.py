"""Cancelling an order: only a confirmed one, and only before its shipment is dispatched.

A pending order cannot be cancelled: its saga is still running and will settle it within the
reservation's TTL. A dispatched (shipped) order is on its way: that is a return, not a cancel.
"""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone

from contexts.orders import database
from contexts.orders.events import OrderCancelled
from contexts.orders.models import Order, OrderHistoryEntry, OrderStatus
from contexts.orders.selectors import OrderNotFound, order_representations
from contexts.orders.services.payloads import event_lines
from modulith import publish
from modulith.http.scope import Scope


class OrderNotCancellable(Exception):
    """The order's status does not allow cancelling it (anything but confirmed)."""

    def __init__(self, order: Order) -> None:
        super().__init__(_why_not(order))
        self.status = order.status


def _why_not(order: Order) -> str:
    if order.status == OrderStatus.PENDING:
        return "The order is still being processed; only a confirmed order can be cancelled."
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        return f"The order is already {order.status}; it can no longer be cancelled."
    return f"The order is {order.status}; only a confirmed order can be cancelled."


@database.atomic
def order_cancel(*, order_id: UUID, scope: Scope) -> Order:
    """Cancel a confirmed order in `scope` and publish OrderCancelled (refund and restock follow).

    Someone else's order is reported as not found, so its existence does not leak.
    Raises OrderNotFound and OrderNotCancellable.
    """
    orders = scope.limit(Order.objects.select_for_update())
    try:
        # Locked: a ShipmentDispatched handled at this moment must wait and then see the cancel.
        order = orders.get(id=order_id)
    except Order.DoesNotExist:
        raise OrderNotFound(f"No order has id {order_id}.") from None
    if order.status != OrderStatus.CONFIRMED:
        raise OrderNotCancellable(order)

    order_representations.invalidate(str(order.id), using=database.alias())
    now = timezone.now()
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = now
    order.save()
    OrderHistoryEntry.objects.create(order=order, event="cancelled", recorded_at=now)
    publish(
        OrderCancelled(
            order_id=order.id,
            customer_id=order.customer_id,
            lines=event_lines(order),
            currency=order.currency,
            total=order.total,
            cancelled_at=now,
        )
    )
    return order
