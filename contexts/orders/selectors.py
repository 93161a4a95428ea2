"""Reads of the orders context: querysets for the HTTP layer, DTOs for the public api."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from contexts.orders.api import OrderDTO, OrderLineDTO, OrderNotFound
from contexts.orders.models import IdempotencyRecord, Order


def order_list(*, customer_id: UUID | None) -> QuerySet[Order]:
    """Orders newest first, with their lines prefetched (two queries whatever the page size).

    `customer_id` limits them to one customer's; None lists everybody's (staff).
    """
    orders = Order.objects.prefetch_related("lines").order_by("-placed_at", "-id")
    if customer_id is not None:
        orders = orders.filter(customer_id=customer_id)
    return orders


def order_get(*, order_id: UUID, customer_id: UUID | None) -> Order:
    """One order; with `customer_id`, only if it is that customer's (else OrderNotFound, so that
    nobody learns whether another customer's order exists)."""
    try:
        return order_list(customer_id=customer_id).get(id=order_id)
    except Order.DoesNotExist:
        raise OrderNotFound(f"No order has id {order_id}.") from None


def order_dto(*, order_id: UUID) -> OrderDTO:
    order = order_get(order_id=order_id, customer_id=None)
    return OrderDTO(
        id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        currency=order.currency,
        subtotal=order.subtotal,
        shipping_cost=order.shipping_cost,
        total=order.total,
        lines=tuple(
            OrderLineDTO(
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
            )
            for line in order.lines.all()
        ),
        placed_at=order.placed_at,
    )


def idempotency_record(*, customer_id: UUID, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(customer_id=customer_id, key=key).first()
