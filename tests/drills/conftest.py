"""Fixtures of the extraction drills: one context moved out by choosing a topology.

`payments_extracted` deploys the committed topology `payments` (config/topologies/payments.toml)
as an operator would: two services, `shop` and `payments`, each with its own gunicorn, Celery
worker (started without -Q: the topology says which queues) and `events relay`, each process
told only SHOP_TOPOLOGY, SHOP_SERVICE, its own database and the services' URLs, and the nginx
gateway that `manage.py topology gateway` generates in front. Payments' database is migrated by
`manage.py migrate` in a payments process. The code is the shop's own, unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.drills.databases import Database, created_beside, migrate
from tests.e2e.topologies import CONTEXTS, QUICK_RECOVERY, start_relay
from tests.extraction.server import bound_listener, serve_shop, service_env
from tests.support import services
from tests.support.gateway import nginx_binary, serve_gateway
from tests.support.jwt_keys import JwtKeys
from tests.support.suites import mark_suite
from tests.support.workers import database_url, start_worker

# A Redis database of the drills' own for the Celery queues: the queue names (ctx.<context>)
# are the same in every suite, and another suite's workers must not consume these messages.
DRILL_BROKER_URL = os.environ.get("DRILL_REDIS_URL", "redis://127.0.0.1:6379/8")


@dataclass(frozen=True)
class Deployment:
    base_url: str  # the gateway: what clients see
    shop_url: str  # the services behind it
    payments_url: str
    default: Database  # the shop service's database (this run's test database)
    payments: Database  # the payments service's own database


@pytest.fixture
def drill_broker_url() -> str:
    return services.require(DRILL_BROKER_URL, 6379, "Redis")


@pytest.fixture
def nginx() -> str:
    return nginx_binary()


@pytest.fixture
def payments_extracted(
    postgres: None,
    drill_broker_url: str,
    nginx: str,
    jwt_keys: JwtKeys,
    tmp_path: Path,
) -> Iterator[Deployment]:
    default_url = database_url(connection.settings_dict)
    # Leftovers of an aborted run would be delivered to these workers.
    redis.Redis.from_url(drill_broker_url).delete(*[f"ctx.{context}" for context in CONTEXTS])
    shop_bound, payments_bound = bound_listener(), bound_listener()
    shop_url, payments_url = shop_bound[1], payments_bound[1]
    deployment = service_env(
        SHOP_TOPOLOGY="payments",
        SHOP_URL=shop_url,
        PAYMENTS_URL=payments_url,
        CELERY_BROKER_URL=drill_broker_url,
        JWT_PRIVATE_KEY_FILE=str(jwt_keys.current_private_file),
        JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        EMAIL_URL=f"filemail:///{tmp_path}",
        NUM_PROXIES="1",
        **QUICK_RECOVERY,
    )
    # Each service is told its own database only.
    deployment.pop("DATABASE_URL", None)
    with created_beside(connection.settings_dict, "payments") as own_url, ExitStack() as running:
        shop = {**deployment, "SHOP_SERVICE": "shop", "DATABASE_URL": default_url}
        payments = {**deployment, "SHOP_SERVICE": "payments", "PAYMENTS_DATABASE_URL": own_url}
        migrate(payments)
        for env in (shop, payments):
            running.enter_context(start_worker(queues=[], env=env, concurrency=2))
            running.enter_context(start_relay(env))
        running.enter_context(serve_shop(shop, shop_bound))
        running.enter_context(serve_shop(payments, payments_bound))
        gateway = running.enter_context(serve_gateway(nginx, shop, tmp_path / "gateway"))
        yield Deployment(
            base_url=gateway,
            shop_url=shop_url,
            payments_url=payments_url,
            default=Database(default_url),
            payments=Database(own_url),
        )
        # Leaving the ExitStack stops every process before the database is dropped and the
        # test database flushed: none may still hold a connection to either.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts processes or servers: the suite is slow, and make test-fast skips it.
    mark_suite(items, Path(__file__).parent, pytest.mark.slow)
