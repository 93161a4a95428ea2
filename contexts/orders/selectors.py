"""Reads of the orders context: model rows and querysets; the api maps them to its DTOs."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from contexts.orders.models import IdempotencyRecord, Order


class OrderNotFound(LookupError):
    pass


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


def idempotency_record(*, customer_id: UUID, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(customer_id=customer_id, key=key).first()
