"""Drill: PostgreSQL backends are terminated while customers place orders through gunicorn.

A real server (gunicorn, 4 threads, one connection per request) serves placements from 4
client threads; every 0.4 s a killer terminates every backend the server holds
(pg_terminate_backend), mid-request. Placements carry their Idempotency-Key, so the server runs
a placement whose connection died once more (modulith.http.connections): no client sees a 5xx,
and every key made exactly one order.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from django.db import connections

from contexts.orders.models import Order
from tests.catalog.factories import ProductFactory
from tests.extraction.server import serve_shop, service_env
from tests.identity.factories import UserFactory
from tests.inventory.factories import StockItemFactory
from tests.payments.factories import PaymentMethodFactory
from tests.support.auth import BearerFactory
from tests.support.jwt_keys import JwtKeys
from tests.support.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

APPLICATION_NAME = "edge-lost-connection-drill"
CUSTOMERS = 4
PLACEMENTS_PER_CUSTOMER = 30
KILL_EVERY_SECONDS = 0.4


@pytest.fixture
def server(postgres: None, jwt_keys: JwtKeys, tmp_path: Path) -> Iterator[str]:
    database = database_url(connections["default"].settings_dict)
    env = service_env(
        DATABASE_URL=f"{database}?application_name={APPLICATION_NAME}",
        JWT_PRIVATE_KEY_FILE=str(jwt_keys.current_private_file),
        JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        LOG_LEVEL="ERROR",
    )
    with serve_shop(env) as base_url:
        yield base_url


class BackendKiller(threading.Thread):
    """Terminates the server's backends every KILL_EVERY_SECONDS until stopped."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.stopped = threading.Event()
        self.terminated = 0

    def run(self) -> None:
        with psycopg.connect(self.database, autocommit=True) as admin:
            while not self.stopped.wait(KILL_EVERY_SECONDS):
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = %s AND state <> 'idle'",
                    [APPLICATION_NAME],
                ).fetchall()
                self.terminated += sum(1 for (killed,) in rows if killed)


def place(base_url: str, authorization: str, body: dict[str, Any], key: str) -> int:
    response = httpx.post(
        f"{base_url}/api/orders/",
        json=body,
        headers={"Authorization": authorization, "Idempotency-Key": key},
        timeout=30,
    )
    return response.status_code


def test_terminated_backends_cost_no_placement_and_duplicate_no_order(
    server: str, bearer: BearerFactory
) -> None:
    product = ProductFactory.create()
    StockItemFactory.create(sku=product.sku, on_hand=100_000)
    customers = [UserFactory.create() for _ in range(CUSTOMERS)]
    requests = []
    for customer in customers:
        method = PaymentMethodFactory.create(customer_id=customer.id)
        body = {
            "lines": [{"sku": product.sku, "quantity": 1}],
            "shipping_address": {
                "name": "Drill",
                "line1": "Hauptstr. 1",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "DE",
            },
            "payment_method_id": str(method.id),
        }
        authorization = bearer(customer.id)
        requests += [
            (authorization, body, f"drill-{uuid.uuid4()}") for _ in range(PLACEMENTS_PER_CUSTOMER)
        ]
    dsn = database_url(connections["default"].settings_dict)
    killer = BackendKiller(dsn)

    killer.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        statuses = Counter(
            pool.map(lambda request: place(server, *request), requests)  # type: ignore[misc]
        )
    killer.stopped.set()
    killer.join(timeout=10)
    elapsed = time.monotonic() - started

    assert killer.terminated > 0, f"no backend was terminated in {elapsed:.1f} s"
    assert statuses == Counter({201: len(requests)})
    keys = [key for _, _, key in requests]
    assert Order.objects.count() == len(keys)
