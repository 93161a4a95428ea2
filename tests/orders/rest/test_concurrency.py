"""Concurrent duplicates through a real HTTP server on PostgreSQL: one order, whatever the race.

The threads each hold their own database connection (live_server serves every request in a
thread of its own), so the unique constraint, not the test's transaction, decides the race.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pytest_django.live_server_helper import LiveServer

from contexts.orders.models import IdempotencyRecord, Order
from modulith.http.authentication import Role
from tests.orders.conftest import FakeCatalog, FakeShipping
from tests.orders.factories import order_payload
from tests.support.auth import BearerFactory

DUPLICATES = 10


@pytest.mark.slow
@pytest.mark.usefixtures("transactional_db", "postgres")
def test_ten_concurrent_duplicates_create_exactly_one_order(
    live_server: LiveServer, bearer: BearerFactory, catalog: FakeCatalog, shipping: FakeShipping
) -> None:
    customer_id = uuid.uuid4()
    headers = {
        "Authorization": bearer(customer_id, roles=[Role.CUSTOMER]),
        "Idempotency-Key": f"double-click-{uuid.uuid4()}",
    }
    body = order_payload()
    start = threading.Barrier(DUPLICATES)

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_server.url, timeout=30) as client:
            start.wait()
            return client.post("/api/orders/", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=DUPLICATES) as pool:
        responses = list(pool.map(post, range(DUPLICATES)))

    # A duplicate that arrives while the first is in flight may be told to retry (409).
    assert {response.status_code for response in responses} <= {201, 409}, [
        response.text for response in responses
    ]
    created = [response for response in responses if response.status_code == 201]
    assert len([r for r in created if "Idempotent-Replayed" not in r.headers]) == 1
    assert {response.json()["id"] for response in created} == {
        str(Order.objects.get(customer_id=customer_id).id)
    }
    assert Order.objects.filter(customer_id=customer_id).count() == 1
    assert IdempotencyRecord.objects.filter(customer_id=customer_id).count() == 1
