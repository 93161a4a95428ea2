"""Integration tests of placing an order: database, stubbed catalog and shipping."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from contexts.orders import selectors, services
from contexts.orders.events import OrderPlaced
from contexts.orders.models import IdempotencyRecord, Order, OrderStatus
from contexts.orders.services import IdempotencyClaim, OrderRequest, RequestedLine
from modulith.testing import capture_events
from tests.orders.conftest import FakeCatalog, FakeShipping
from tests.support.event_factories import ShippingAddressFactory

pytestmark = pytest.mark.django_db


def order_request(
    *lines: tuple[str, int], customer_id: uuid.UUID | None = None, country: str = "DE"
) -> OrderRequest:
    return OrderRequest(
        customer_id=customer_id or uuid.uuid4(),
        lines=tuple(RequestedLine(sku, quantity) for sku, quantity in lines or [("MUG-1", 2)]),
        shipping_address=ShippingAddressFactory(country=country),
        payment_method_id=uuid.uuid4(),
    )


def render(order: Order) -> dict[str, Any]:
    return {"id": str(order.id), "status": order.status, "total": str(order.total)}


def claim(key: str = "key-1", fingerprint: str = "a" * 64) -> IdempotencyClaim:
    return IdempotencyClaim(key=key, fingerprint=fingerprint)


def test_placing_stores_a_pending_order_with_snapshotted_prices(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request(("MUG-1", 2), ("TEE-1", 1))

    placement = services.order_place(request=request, claim=claim(), render=render)

    order = Order.objects.get(id=placement.order_id)
    assert order.status == OrderStatus.PENDING
    assert order.customer_id == request.customer_id
    assert [
        (line.sku, line.quantity, line.unit_price, line.line_total) for line in order.lines.all()
    ] == [
        ("MUG-1", 2, Decimal("10.00"), Decimal("20.00")),
        ("TEE-1", 1, Decimal("19.99"), Decimal("19.99")),
    ]
    assert (order.subtotal, order.shipping_cost, order.total) == (
        Decimal("39.99"),
        Decimal("4.90"),
        Decimal("44.89"),
    )
    assert order.currency == "EUR"


def test_placing_publishes_order_placed_with_everything_payments_and_inventory_need(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request(("MUG-1", 3))

    with capture_events() as captured:
        placement = services.order_place(request=request, claim=claim(), render=render)

    (placed,) = captured.of_type(OrderPlaced)
    assert placed.order_id == placement.order_id
    assert placed.customer_id == request.customer_id
    assert placed.payment_method_id == request.payment_method_id
    assert placed.total == Decimal("34.90")
    assert placed.shipping_address == request.shipping_address
    assert [(line.sku, line.quantity, line.line_total) for line in placed.lines] == [
        ("MUG-1", 3, Decimal("30.00"))
    ]


def test_the_shipping_quote_is_asked_for_the_lines_weights_in_the_orders_currency(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    catalog.add("LAMP-1", "45.00", currency="EUR", weight_grams=1200)

    services.order_place(request=order_request(("LAMP-1", 2)), claim=claim(), render=render)

    ((lines, country, currency),) = shipping.quoted
    assert [(line.sku, line.quantity, line.weight_grams) for line in lines] == [("LAMP-1", 2, 1200)]
    assert (country, currency) == ("DE", "EUR")


def test_the_first_response_is_stored_with_the_idempotency_key(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request()

    placement = services.order_place(request=request, claim=claim("k"), render=render)

    record = IdempotencyRecord.objects.get(customer_id=request.customer_id, key="k")
    assert record.order_id == placement.order_id
    assert record.response_status == 201
    assert placement.replayed is False
    assert placement.body == render(Order.objects.get(id=placement.order_id))


def test_the_same_key_and_body_replays_the_first_response_without_a_second_order(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request()
    first = services.order_place(request=request, claim=claim(), render=render)

    with capture_events() as captured:
        again = services.order_place(request=request, claim=claim(), render=render)

    assert again.replayed is True
    assert (again.order_id, again.status_code, again.body) == (
        first.order_id,
        first.status_code,
        first.body,
    )
    assert Order.objects.count() == 1
    assert captured.events == []


def test_the_same_key_with_another_body_is_refused(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request()
    services.order_place(request=request, claim=claim(fingerprint="a" * 64), render=render)

    with pytest.raises(services.IdempotencyKeyReused):
        services.order_place(request=request, claim=claim(fingerprint="b" * 64), render=render)


def test_keys_belong_to_one_customer(catalog: FakeCatalog, shipping: FakeShipping) -> None:
    services.order_place(request=order_request(), claim=claim("shared"), render=render)

    other = services.order_place(request=order_request(), claim=claim("shared"), render=render)

    assert other.replayed is False
    assert Order.objects.count() == 2


def test_an_unknown_sku_stores_nothing_and_leaves_the_key_free(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    request = order_request(("NOPE-1", 1))

    with pytest.raises(services.InvalidOrderRequest) as raised:
        services.order_place(request=request, claim=claim(), render=render)

    assert raised.value.problems[0].path == ("lines", 0, "sku")
    assert not Order.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_destination_without_shipping_rate_is_reported_at_the_country(
    catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    with pytest.raises(services.InvalidOrderRequest) as raised:
        services.order_place(request=order_request(country="JP"), claim=claim(), render=render)

    (problem,) = raised.value.problems
    assert (problem.path, problem.code) == (("shipping_address", "country"), "no_shipping_rate")
    assert not Order.objects.exists()


def test_a_duplicate_that_loses_the_race_replays_the_winner(
    catalog: FakeCatalog, shipping: FakeShipping, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = order_request()
    winner = services.order_place(request=request, claim=claim(), render=render)
    # The loser looked for the key before the winner committed: its first lookup misses.
    lookups = []

    def lookup_missing_once(**kwargs: Any) -> IdempotencyRecord | None:
        lookups.append(kwargs)
        return None if len(lookups) == 1 else real_lookup(**kwargs)

    real_lookup = selectors.idempotency_record
    monkeypatch.setattr(selectors, "idempotency_record", lookup_missing_once)

    loser = services.order_place(request=request, claim=claim(), render=render)

    assert loser.replayed is True
    assert loser.order_id == winner.order_id
    assert len(lookups) == 2  # it got as far as the insert, and lost there
    assert Order.objects.count() == 1
