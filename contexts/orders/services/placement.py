"""Placing an order: price it through catalog and shipping, then store it once per idempotency key.

The calls into catalog and shipping happen before any transaction opens: once those contexts are
extracted they are HTTP calls, and a transaction must never wait on the network.

Concurrent duplicates (same customer, same Idempotency-Key) create exactly one order: the unique
constraint on IdempotencyRecord lets one transaction win; the others roll back and replay the
winner's stored response.

One placement is ten SQL statements (docs/performance.md, "Statements per placement"): three
reads before the transaction (the key, the products, the shipping rate), then BEGIN, one INSERT
each for the order, its lines, its history, the key and the outbox row, and COMMIT. Nothing just
written is read back: the response and the event are built from the rows in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.constants import OnConflict
from django.utils import timezone

from contexts.catalog import api as catalog_api
from contexts.orders import database, selectors
from contexts.orders.events import OrderPlaced, ShippingAddress
from contexts.orders.models import IdempotencyRecord, Order, OrderHistoryEntry, OrderLine
from contexts.orders.pricing import (
    FieldProblem,
    InvalidOrderRequest,
    PricedLines,
    RequestedLine,
    price_lines,
    round_money,
)
from contexts.orders.services.payloads import address_of, event_lines
from contexts.shipping import api as shipping_api
from modulith import publish

__all__ = [
    "IdempotencyClaim",
    "IdempotencyKeyReused",
    "IdempotentRequestInProgress",
    "InvalidOrderRequest",
    "OrderRequest",
    "Placement",
    "RequestedLine",
    "order_place",
]

CREATED = 201


@dataclass(frozen=True)
class OrderRequest:
    customer_id: UUID
    lines: tuple[RequestedLine, ...]
    shipping_address: ShippingAddress
    payment_method_id: UUID


@dataclass(frozen=True)
class IdempotencyClaim:
    key: str
    fingerprint: str  # of the request body; the same key with another body is a client bug


@dataclass(frozen=True)
class Placement:
    """The response to answer with: the first one, or its replay."""

    order_id: UUID
    status_code: int
    body: dict[str, Any]
    replayed: bool


class IdempotencyKeyReused(Exception):
    """The key was already used by this customer for a request with a different body."""


class IdempotentRequestInProgress(Exception):
    """Another request with this key has not finished yet; retrying later gets its response."""


# Turns the stored order into the response body. The HTTP layer owns the representation; the
# service stores it in the same transaction as the order, so a replay is exactly the first answer.
Render = Callable[[Order], dict[str, Any]]


def order_place(*, request: OrderRequest, claim: IdempotencyClaim, render: Render) -> Placement:
    """Place the order (status pending, OrderPlaced published) or replay the key's first answer.

    Raises InvalidOrderRequest (unknown or retired sku, mixed currencies, no shipping rate),
    IdempotencyKeyReused and IdempotentRequestInProgress.
    """
    earlier = _earlier_placement(request.customer_id, claim)
    if earlier is not None:
        return earlier

    priced = _price(request)
    try:
        return _order_create(request=request, claim=claim, priced=priced, render=render)
    except _DuplicateRequest:
        # A concurrent request with the same key committed first (our insert waited for it).
        earlier = _earlier_placement(request.customer_id, claim)
        if earlier is None:
            raise IdempotentRequestInProgress(claim.key) from None
        return earlier


def _earlier_placement(customer_id: UUID, claim: IdempotencyClaim) -> Placement | None:
    record = selectors.idempotency_record(customer_id=customer_id, key=claim.key)
    if record is None:
        return None
    if record.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused(claim.key)
    return Placement(
        order_id=record.order_id,
        status_code=record.response_status,
        body=json.loads(record.response_json),
        replayed=True,
    )


@dataclass(frozen=True)
class _PricedOrder:
    lines: PricedLines
    shipping_cost: Decimal


def _price(request: OrderRequest) -> _PricedOrder:
    products = catalog_api.get_products(skus=[line.sku for line in request.lines])
    lines = price_lines(request.lines, products)
    parcel = [
        shipping_api.ParcelLine(
            sku=line.sku, quantity=line.quantity, weight_grams=line.weight_grams
        )
        for line in lines.lines
    ]
    try:
        quote = shipping_api.quote(
            lines=parcel, country=request.shipping_address.country, currency=lines.currency
        )
    except shipping_api.NoShippingRate as error:
        problem = FieldProblem(
            path=("shipping_address", "country"),
            message=str(error) or f"We do not ship to {request.shipping_address.country}.",
            code="no_shipping_rate",
        )
        raise InvalidOrderRequest([problem]) from error
    return _PricedOrder(lines=lines, shipping_cost=round_money(quote.amount))


class _DuplicateRequest(Exception):
    pass


@database.atomic
def _order_create(
    *, request: OrderRequest, claim: IdempotencyClaim, priced: _PricedOrder, render: Render
) -> Placement:
    now = timezone.now()
    address = request.shipping_address
    # Nothing to invalidate in selectors.order_representations: the cache keeps only what was
    # read from a committed order, and this order's id is drawn here (uuid4), so no reader can
    # have cached it. The saga's and the cancel's changes invalidate it from then on.
    order = Order.objects.create(
        customer_id=request.customer_id,
        currency=priced.lines.currency,
        subtotal=priced.lines.subtotal,
        shipping_cost=priced.shipping_cost,
        total=priced.lines.subtotal + priced.shipping_cost,
        payment_method_id=request.payment_method_id,
        shipping_name=address.name,
        shipping_line1=address.line1,
        shipping_line2=address.line2,
        shipping_city=address.city,
        shipping_postal_code=address.postal_code,
        shipping_country=address.country,
        placed_at=now,
    )
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
        )
        for line in priced.lines.lines
    )
    # The lines just inserted are the order's lines: render and the event read them from here
    # instead of selecting them again (the same prefetch cache prefetch_related fills).
    order._prefetched_objects_cache = {"lines": lines}  # type: ignore[attr-defined]
    OrderHistoryEntry.objects.create(order=order, event="placed", recorded_at=now)
    body = render(order)
    if not _claim_key(request.customer_id, claim, order, body):
        raise _DuplicateRequest
    publish(
        OrderPlaced(
            order_id=order.id,
            customer_id=order.customer_id,
            lines=event_lines(order),
            currency=order.currency,
            subtotal=order.subtotal,
            shipping_cost=order.shipping_cost,
            total=order.total,
            payment_method_id=order.payment_method_id,
            shipping_address=address_of(order),
            placed_at=now,
        )
    )
    return Placement(order_id=order.id, status_code=CREATED, body=body, replayed=False)


def _claim_key(
    customer_id: UUID, claim: IdempotencyClaim, order: Order, body: dict[str, Any]
) -> bool:
    """Store the response under the key: True if this transaction now holds the key.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id`: if a concurrent request holds the key
    uncommitted, PostgreSQL waits for its outcome; once it committed, nothing is inserted, no
    error aborts the transaction, and the caller rolls the whole placement back. The ORM's own
    insert compiles it (bulk_create with ignore_conflicts cannot say whether a row went in).
    """
    record = IdempotencyRecord(
        customer_id=customer_id,
        key=claim.key,
        fingerprint=claim.fingerprint,
        order=order,
        response_status=CREATED,
        response_json=json.dumps(body, cls=DjangoJSONEncoder),
    )
    opts = IdempotencyRecord._meta
    records = IdempotencyRecord.objects.using(database.alias())
    inserted = records._insert(  # type: ignore[attr-defined]
        [record],
        fields=[field for field in opts.concrete_fields if field is not opts.auto_field],
        returning_fields=[opts.pk],
        on_conflict=OnConflict.IGNORE,
    )
    return bool(inserted and inserted[0])
