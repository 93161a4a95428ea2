"""The proof that every context is extractable: the whole purchase flow, through the generated
nginx gateway, in each of the nine committed topologies (the monolith, each context on its own,
every context on its own), one after another, each on real processes (tests.matrix.deployment).

Each run also proves isolation: every service's database holds only the tables of the apps that
service hosts, each context's rows are written in its hosting service's database alone, and no
service's role can even connect to another service's database.

PostgreSQL only (one database and role per service), with RabbitMQ as the broker, Redis and the
distribution's nginx: the PostgreSQL pass of `make test` runs it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from tests.e2e.scenarios import (
    cancel_refunds_and_restocks,
    declined_card,
    dispatched_order_cannot_be_cancelled,
    happy_path,
)
from tests.e2e.shop import Shop, expect, unique_sku
from tests.e2e.topologies import WORKERS_BREAKER, Breaker, emails_in
from tests.matrix.deployment import Deployed, deploy, generated_service_keys, table_apps
from tests.support import services
from tests.support.auth import BearerFactory
from tests.support.gateway import nginx_binary
from tests.support.jwt_keys import JwtKeys
from tests.support.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.rabbitmq]

TOPOLOGIES = [
    "monolith",
    "identity",
    "catalog",
    "shipping",
    "inventory",
    "payments",
    "orders",
    "notifications",
    "services",
]
# The flow, as the e2e scenarios drive it: register and log in, add a card, order with an
# Idempotency-Key → confirmed and captured, emailed; staff dispatch → shipped with a tracking
# number; a second order cancelled → refunded and restocked; a declined card → rejected.
FLOW: tuple[Callable[[Shop, Any], None], ...] = (
    happy_path,
    dispatched_order_cannot_be_cancelled,
    cancel_refunds_and_restocks,
    declined_card,
)
# A table of each context that the flow writes rows to.
WRITTEN_BY_THE_FLOW = {
    "identity": "identity_user",
    "catalog": "catalog_product",
    "inventory": "inventory_stockitem",
    "payments": "payments_payment",
    "orders": "orders_order",
    "shipping": "shipping_shipment",
    "notifications": "notifications_notification",
}
# Every database has Django's record of its migrations.
EVERYWHERE = {"django_migrations"}
SETTLE_TIMEOUT = float(os.environ.get("MATRIX_TIMEOUT", 60))


class OnTopology:
    """What the e2e scenarios ask of a deployment (tests.e2e.topologies.Topology)."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir
        self.breaker: Breaker = WORKERS_BREAKER

    def emails_to(self, address: str) -> list[str]:
        return emails_in(self.mail_dir, address)

    @contextmanager
    def payments_paused(self) -> Iterator[None]:
        raise NotImplementedError("the matrix's flow never holds payments back")
        yield  # pragma: no cover


@pytest.fixture(scope="module")
def matrix_services() -> dict[str, str]:
    services.require_postgres()
    return {
        "broker_url": services.require(services.RABBITMQ_URL, 5672, "RabbitMQ"),
        "redis_url": services.require(services.REDIS_URL, 6379, "Redis"),
        "nginx": nginx_binary(),
        "admin_url": database_url(connection.settings_dict),
        "database_prefix": f"{connection.settings_dict['NAME']}_m",
    }


@pytest.fixture(scope="module")
def service_keys(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    return generated_service_keys(tmp_path_factory.mktemp("matrix-service-keys"))


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_the_purchase_flow_through_the_gateway(
    topology: str,
    matrix_services: dict[str, str],
    service_keys: Callable[[str], Path],
    jwt_keys: JwtKeys,
    bearer: BearerFactory,
    tmp_path: Path,
) -> None:
    with deploy(
        topology,
        jwt_keys=jwt_keys,
        service_keys=service_keys,
        work_dir=tmp_path,
        **matrix_services,
    ) as deployed:
        shop = Shop(base_url=deployed.gateway_url, timeout=SETTLE_TIMEOUT, bearer=bearer)
        on_topology = OnTopology(deployed.mail_dir)
        # The scenarios are independent (their own skus and customers): run them side by side,
        # as concurrent clients would.
        with ThreadPoolExecutor(max_workers=len(FLOW) + 1) as pool:
            running = [pool.submit(scenario, shop, on_topology) for scenario in FLOW]
            running.append(pool.submit(a_retried_order_is_placed_once, shop))
            for outcome in running:
                outcome.result()

        assert_isolated(deployed)
        assert_one_beat_leads(deployed, matrix_services["redis_url"])


def a_retried_order_is_placed_once(shop: Shop) -> None:
    """The same Idempotency-Key and body replay the first answer: one order, not two."""
    sku = unique_sku("TEA")
    shop.add_product(sku, "4.00", stock=5)
    ida = shop.register_customer("Ida")
    card = ida.add_card("tok_visa")
    key = str(uuid.uuid4())

    first = expect(ida.place_order({sku: 1}, card, key=key), 201)
    again = expect(ida.place_order({sku: 1}, card, key=key), 201)

    assert again["id"] == first["id"]
    ida.wait_for_order(first["id"], lambda o: o["status"] == "confirmed", "the confirmation")
    with ida.client() as http:
        mine = expect(http.get("/api/orders/", params={"limit": 100}), 200)
    assert [order["id"] for order in mine["results"]] == [first["id"]]


def assert_one_beat_leads(deployed: Deployed, redis_url: str) -> None:
    """The topology's one beat holds the lease (its value names the holder)."""
    client = redis.Redis.from_url(redis_url)
    try:
        holder = client.get(deployed.beat_lock_key)
    finally:
        client.close()
    assert holder, f"{deployed.topology}: no beat holds the lease {deployed.beat_lock_key!r}"


def assert_isolated(deployed: Deployed) -> None:
    owners = table_apps()
    for service, database in deployed.databases.items():
        view = deployed.placement.view(service)
        foreign = {
            table
            for table in database.tables() - EVERYWHERE
            if not view.holds_app(owners.get(table, f"<unknown table {table}>"))
        }
        assert not foreign, (
            f"{deployed.topology}: service {service!r}'s database holds tables of apps it does "
            f"not host: {sorted(foreign)}"
        )
    written = {service: db.tables_with_rows() for service, db in deployed.databases.items()}
    for context, table in WRITTEN_BY_THE_FLOW.items():
        writers = {service for service, tables in written.items() if table in tables}
        assert writers == {deployed.placement.hosts[context]}, (
            f"{deployed.topology}: {table} has rows in the databases of {sorted(writers)}, "
            f"expected only in {deployed.placement.hosts[context]!r}'s"
        )
    for service, database in deployed.databases.items():
        for other in deployed.databases.values():
            if other.service != service:
                assert not database.connects_to(other.database), (
                    f"{deployed.topology}: {service}'s role connects to {other.service}'s database"
                )
