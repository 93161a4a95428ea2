"""Reads of the orders context: model rows and querysets; the api maps them to its DTOs."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from contexts.orders.models import IdempotencyRecord, Order
from modulith.http.scope import Scope


class OrderNotFound(LookupError):
    pass


def order_list(*, scope: Scope) -> QuerySet[Order]:
    """The orders in `scope`, newest first, with their lines prefetched (two queries whatever
    the page size)."""
    return scope.limit(Order.objects.prefetch_related("lines").order_by("-placed_at", "-id"))


def order_get(*, order_id: UUID, scope: Scope) -> Order:
    """One order in `scope` (else OrderNotFound, so that nobody learns whether another
    customer's order exists)."""
    try:
        return order_list(scope=scope).get(id=order_id)
    except Order.DoesNotExist:
        raise OrderNotFound(f"No order has id {order_id}.") from None


def idempotency_record(*, customer_id: UUID, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(customer_id=customer_id, key=key).first()
