"""GET /api/orders/<id>/ answered from the order's read cache (selectors.order_representations),
kept in Redis as in production.

Each order is placed through the API, then moved through its saga by the services orders'
handlers call (and cancelled through the API): after every change the very next read shows it,
and the read after that comes from the cache without a single SQL statement. Transactional, so
that commits happen and the fresh version token is written after each of them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contexts.orders import database, selectors, services
from contexts.orders.rest.serializers import render_order
from modulith.http.authentication import TokenPrincipal
from modulith.http.scope import Scope
from tests.orders.conftest import ClientFor, FakeCatalog, FakeShipping
from tests.orders.factories import order_payload
from tests.support.problems import problem_of
from tests.support.read_caches import read_caches_in

pytestmark = pytest.mark.django_db(transaction=True)

ORDERS = "/api/orders/"


@pytest.fixture
def read_cache(events_to_a_broker: None, redis_url: str) -> Iterator[None]:
    """The read caches in Redis; events go to a broker nobody consumes, so the order moves only
    by the steps a test takes."""
    with read_caches_in(redis_url):
        yield


@pytest.fixture
def as_customer(client_for: ClientFor, customer: TokenPrincipal) -> APIClient:
    return client_for(customer)


@pytest.fixture
def placed(catalog: FakeCatalog, shipping: FakeShipping, as_customer: APIClient) -> UUID:
    """A pending order of the customer's, placed through the API."""
    response = as_customer.post(
        ORDERS, order_payload(), format="json", headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 201, response.content
    return UUID(response.json()["id"])


def read(client: APIClient, order_id: UUID) -> tuple[dict[str, Any], int]:
    """The order as `client` reads it, and how many SQL statements the read ran."""
    with CaptureQueriesContext(connections[database.alias()]) as statements:
        response = client.get(f"{ORDERS}{order_id}/")
    assert response.status_code == 200, response.content
    return response.json(), len(statements)


def cache(client: APIClient, order_id: UUID) -> None:
    """Read until the order is cached: the very first read of an order only starts its version
    token (modulith.contexts.caching stores nothing without one), the second stores the entry."""
    read(client, order_id)
    read(client, order_id)


def from_the_database(order_id: UUID) -> dict[str, Any]:
    """What the read answers without any cache."""
    body = render_order(selectors.order_get(order_id=order_id, scope=Scope.everybody()))
    # Through JSON, as the response is.
    return json.loads(json.dumps(body))


# --- What moves an order: the services orders' handlers call, and the customer's cancel ---------

Step = Callable[[UUID, APIClient], object]


def reported(service: Callable[..., object], **facts: object) -> Step:
    """A step: what orders' handler does with one event, i.e. `service` given the event's facts."""

    def step(order_id: UUID, _: APIClient) -> object:
        return service(order_id=order_id, **facts)

    step.__name__ = service.__name__
    return step


reserve = reported(services.order_record_stock_reserved, reservation_id=uuid.uuid4())
out_of_stock = reported(
    services.order_record_stock_failed, reason="insufficient_stock", unavailable_skus=("MUG-1",)
)
expire = reported(services.order_record_stock_expired, reservation_id=uuid.uuid4())
release = reported(services.order_record_stock_released, reservation_id=uuid.uuid4())
authorize = reported(services.order_record_payment_authorized, payment_id=uuid.uuid4())
decline = reported(
    services.order_record_payment_failed, reason="declined", detail="The card was declined."
)
capture = reported(services.order_record_payment_captured, payment_id=uuid.uuid4())
void = reported(services.order_record_payment_voided, payment_id=uuid.uuid4())
refund = reported(services.order_record_payment_refunded, payment_id=uuid.uuid4())
dispatch = reported(
    services.order_record_shipment_dispatched,
    shipment_id=uuid.uuid4(),
    tracking_number="TRACK-1",
    dispatched_at=datetime(2026, 1, 1, 12, tzinfo=UTC),
)
deliver = reported(
    services.order_record_shipment_delivered,
    shipment_id=uuid.uuid4(),
    delivered_at=datetime(2026, 1, 2, 12, tzinfo=UTC),
)


def cancel(order_id: UUID, client: APIClient) -> object:
    response = client.post(f"{ORDERS}{order_id}/cancel/")
    assert response.status_code == 200, response.content
    return response


# Every way the saga goes, step by step, with what the next read must show after each step.
SAGAS: dict[str, list[tuple[Step, dict[str, str]]]] = {
    "delivered": [
        (reserve, {"status": "pending", "stock_status": "reserved"}),
        (authorize, {"status": "confirmed", "payment_status": "authorized"}),
        (capture, {"status": "confirmed", "payment_status": "captured"}),
        (dispatch, {"status": "shipped", "tracking_number": "TRACK-1"}),
        (deliver, {"status": "delivered"}),
    ],
    "cancelled": [
        (authorize, {"status": "pending", "payment_status": "authorized"}),
        (reserve, {"status": "confirmed", "stock_status": "reserved"}),
        (capture, {"payment_status": "captured"}),
        (cancel, {"status": "cancelled"}),
        (refund, {"status": "cancelled", "payment_status": "refunded"}),
        (release, {"status": "cancelled", "stock_status": "released"}),
    ],
    "out of stock": [
        (out_of_stock, {"status": "rejected", "rejection_reason": "out_of_stock"}),
        (authorize, {"status": "rejected", "payment_status": "authorized"}),
        (void, {"status": "rejected", "payment_status": "voided"}),
    ],
    "card declined": [
        (reserve, {"status": "pending", "stock_status": "reserved"}),
        (decline, {"status": "rejected", "rejection_reason": "payment_declined"}),
        (release, {"status": "rejected", "stock_status": "released"}),
    ],
    "reservation expired": [
        (reserve, {"status": "pending", "stock_status": "reserved"}),
        (expire, {"status": "rejected", "rejection_reason": "reservation_expired"}),
        (authorize, {"status": "rejected", "payment_status": "authorized"}),
        (void, {"status": "rejected", "payment_status": "voided"}),
    ],
}


@pytest.mark.parametrize("saga", list(SAGAS))
def test_every_change_of_an_order_shows_on_the_very_next_read(
    saga: str, read_cache: None, placed: UUID, as_customer: APIClient
) -> None:
    cache(as_customer, placed)
    pending, statements = read(as_customer, placed)
    assert (pending["status"], statements) == ("pending", 0)

    for step, expected in SAGAS[saga]:
        step(placed, as_customer)

        after, _ = read(as_customer, placed)
        assert after == from_the_database(placed), step.__name__
        assert {field: after[field] for field in expected} == expected, step.__name__
        # ...and the read after that is the cached copy of that same state.
        assert read(as_customer, placed) == (after, 0), step.__name__


def test_a_cached_read_runs_no_sql_statement(
    read_cache: None, placed: UUID, as_customer: APIClient, django_assert_num_queries: Any
) -> None:
    cache(as_customer, placed)

    with django_assert_num_queries(0):
        response = as_customer.get(f"{ORDERS}{placed}/")

    assert response.status_code == 200
    assert response.json() == from_the_database(placed)


def test_another_customers_order_is_not_found_whether_or_not_it_is_cached(
    read_cache: None,
    placed: UUID,
    as_customer: APIClient,
    client_for: ClientFor,
    other_customer: TokenPrincipal,
) -> None:
    stranger = client_for(other_customer)
    unknown = uuid.uuid4()
    missing = problem_of(stranger.get(f"{ORDERS}{unknown}/"), 404)
    # Exactly what a missing order answers, with this order's id in place of the unknown one.
    expected = json.loads(json.dumps(missing).replace(str(unknown), str(placed)))

    before = problem_of(stranger.get(f"{ORDERS}{placed}/"), 404)
    cache(as_customer, placed)
    with CaptureQueriesContext(connections[database.alias()]) as statements:
        cached = problem_of(stranger.get(f"{ORDERS}{placed}/"), 404)

    assert before == cached == expected
    assert len(statements) == 0  # answered from the cached entry's owner


def test_staff_read_a_customers_cached_order(
    read_cache: None,
    placed: UUID,
    as_customer: APIClient,
    client_for: ClientFor,
    staff: TokenPrincipal,
) -> None:
    cache(as_customer, placed)
    owners, _ = read(as_customer, placed)

    assert read(client_for(staff), placed) == (owners, 0)
