"""The SQL statements one placement costs, counted one by one (a count, never a timing).

docs/performance.md lists them; this test keeps them from growing back. It runs the whole HTTP
path on PostgreSQL with the events going to a real broker that no worker consumes: what a web
process does for one POST /api/orders/.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from modulith.events.marks import pending_marks
from modulith.http.authentication import TokenPrincipal
from modulith.models import OutboxMessage
from tests.catalog.factories import ProductFactory
from tests.support.clients import ClientFor

pytestmark = [pytest.mark.django_db(transaction=True)]

ORDERS = "/api/orders/"


@pytest.fixture
def client(
    postgres: None, events_to_a_broker: None, client_for: ClientFor, customer: TokenPrincipal
) -> APIClient:
    """A customer's client, with the two products every order here buys."""
    ProductFactory(sku="TEA-1")
    ProductFactory(sku="MUG-1")
    return client_for(customer)


def order_body() -> dict[str, Any]:
    return {
        "lines": [{"sku": "TEA-1", "quantity": 2}, {"sku": "MUG-1", "quantity": 1}],
        "shipping_address": {
            "name": "Ada",
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "payment_method_id": str(uuid.uuid4()),
    }


def kind(sql: str) -> str:
    """`INSERT orders_order`: the statement's verb and the first table it names."""
    table = re.search(r'"(\w+)"', sql)
    return f"{sql.split()[0]} {table.group(1)}" if table else sql


PLACEMENT = [
    "SELECT orders_idempotencyrecord",  # a replay answers from here
    "SELECT catalog_product",  # every line's product (none with the read caches warm)
    "SELECT shipping_rate",  # the destination's rate table, its zone a subquery (idem)
    "BEGIN",
    "INSERT orders_order",
    "INSERT orders_orderline",  # both lines
    "INSERT orders_orderhistoryentry",
    "INSERT orders_idempotencyrecord",
    "INSERT modulith_outboxmessage",
    "COMMIT",
]
PRICING = {"SELECT catalog_product", "SELECT shipping_rate"}


def placement_statements(client: APIClient) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            ORDERS, order_body(), format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
    assert response.status_code == 201, response.content
    return [query["sql"] for query in captured.captured_queries]


def test_a_placement_is_ten_statements_with_one_commit(client: APIClient) -> None:
    statements = placement_statements(client)

    assert [kind(sql) for sql in statements] == PLACEMENT
    assert "ON CONFLICT DO NOTHING" in statements[7]
    # The event went to the broker; its dispatched mark waits to be written with others.
    event = OutboxMessage.objects.get()
    assert event.id.hex in str(pending_marks.waiting("default")).replace("-", "")
    pending_marks.flush()
    assert OutboxMessage.objects.get().dispatched_at is not None


@pytest.mark.usefixtures("shared_read_caches")
def test_with_the_read_caches_warm_pricing_costs_no_statement(client: APIClient) -> None:
    # The first placement starts the catalog's and shipping's tokens, the second stores the
    # products and the rate table it read: both cold, ten statements.
    cold = [[kind(sql) for sql in placement_statements(client)] for _ in range(2)]
    warm = [kind(sql) for sql in placement_statements(client)]

    assert cold == [PLACEMENT, PLACEMENT]
    assert warm == [statement for statement in PLACEMENT if statement not in PRICING]


def test_a_replay_is_one_statement(client: APIClient) -> None:
    key = str(uuid.uuid4())
    body = order_body()
    first = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    with CaptureQueriesContext(connection) as captured:
        replay = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert replay.json() == first.json()
    assert [kind(query["sql"]) for query in captured.captured_queries] == [
        "SELECT orders_idempotencyrecord"
    ]
