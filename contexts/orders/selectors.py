"""Reads of the orders context: model rows and querysets; the api maps them to its DTOs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.orders.models import IdempotencyRecord, Order
from modulith.contexts.caching import VersionedCache
from modulith.http.scope import Scope

# One order's representation, cached under the order's id as scope. Every service that changes
# an order or its lines calls `order_representations.invalidate(str(order.id), ...)` in its
# transaction (saga._locked, cancellation), so an entry is never served once the order changed.
# Entries outlive the saga's polling; an order read later is read from the database again.
order_representations = VersionedCache("orders.order", timeout=600)

# Turns an order row into the body the HTTP layer answers with.
Render = Callable[[Order], dict[str, Any]]


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
        raise _not_found(order_id) from None


def order_representation(
    *, order_id: UUID, scope: Scope, render: Render, render_key: str
) -> dict[str, Any]:
    """`render(order)` of one order in `scope`, from the cache while the order is unchanged
    (else OrderNotFound, exactly as order_get).

    `render_key` names the rendering (modulith.http.representation.representation_key): the
    cache keeps each rendering apart. The entry holds the order's customer with the body and
    the scope is checked on every answer, cached or not, so somebody else's order is not found
    whether or not its owner read it first.
    """
    owner, body = order_representations.get(
        str(order_id), render_key, lambda: _owner_and_body(order_id, render)
    )
    if not scope.sees_all and owner != scope.customer_id:
        raise _not_found(order_id)
    return body


def _owner_and_body(order_id: UUID, render: Render) -> tuple[UUID, dict[str, Any]]:
    order = order_get(order_id=order_id, scope=Scope.everybody())
    return order.customer_id, render(order)


def _not_found(order_id: UUID) -> OrderNotFound:
    return OrderNotFound(f"No order has id {order_id}.")


def idempotency_record(*, customer_id: UUID, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(customer_id=customer_id, key=key).first()
