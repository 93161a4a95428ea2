"""The saga end to end with every context on the Celery transport (Redis broker).

This process serves HTTP (live_server) and publishes; Celery worker processes run every handler:
one worker for payments (so that a scenario can hold payments back by stopping it) and one for
all the other ctx.* queues. Scenarios poll the HTTP API until orders settle, exactly as with
in-process events; only the topology differs.

Every process keeps the shop's cache in Redis, as in production, so the orders read through
their read cache: this process caches what it serves, the workers' handlers invalidate it, and
a scenario polling for the next state of an order would time out on a stale entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from contexts.payments.providers.breaker import build_breaker
from tests.e2e.scenarios import SCENARIOS, last_units_under_a_rush
from tests.e2e.shop import Shop
from tests.e2e.topologies import CONTEXTS, E2E_BROKER_URL, Workers, emails_in
from tests.support import services
from tests.support.auth import BearerFactory
from tests.support.read_caches import read_caches_in
from tests.support.workers import use_broker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def celery_broker_url() -> str:
    return services.require(E2E_BROKER_URL, 6379, "Redis")


@pytest.fixture(scope="module")
def cache_url() -> str:
    return services.require(services.REDIS_URL, 6379, "Redis")


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-mail")


@pytest.fixture(scope="module")
def workers(
    django_db_setup: None,
    celery_broker_url: str,
    cache_url: str,
    mail_dir: Path,
) -> Iterator[Workers]:
    # Leftovers of an aborted run would be delivered to these workers.
    client = redis.Redis.from_url(celery_broker_url)
    client.delete(*[f"ctx.{context}" for context in CONTEXTS])
    pool = Workers(celery_broker_url, mail_dir, redis_url=cache_url)
    # The workers' payment breaker lives in that Redis: none may start open from an earlier run.
    build_breaker(
        fail_max=pool.breaker.fail_max,
        reset_seconds=pool.breaker.reset_seconds,
        redis_url=cache_url,
    ).close()
    pool.start()
    yield pool
    pool.stop()


class OnCelery:
    def __init__(self, workers: Workers, mail_dir: Path) -> None:
        self.workers = workers
        self.mail_dir = mail_dir
        self.breaker = workers.breaker

    def emails_to(self, address: str) -> list[str]:
        return emails_in(self.mail_dir, address)

    @contextmanager
    def payments_paused(self) -> Iterator[None]:
        self.workers.stop_payments()
        try:
            yield
        finally:
            self.workers.start_payments()


@pytest.fixture
def topology(
    workers: Workers,
    mail_dir: Path,
    celery_broker_url: str,
    cache_url: str,
    e2e_settings: Settings,
    event_transports: Callable[..., None],
) -> Iterator[OnCelery]:
    # This process publishes too (the HTTP requests live_server serves): same transports.
    event_transports(**dict.fromkeys(CONTEXTS, "celery"))
    with use_broker(celery_broker_url), read_caches_in(cache_url):
        yield OnCelery(workers, mail_dir)


@pytest.fixture
def shop(live_server: LiveServer, bearer: BearerFactory, e2e_settings: Settings) -> Shop:
    return Shop(
        base_url=live_server.url,
        timeout=float(os.environ.get("E2E_CELERY_TIMEOUT", 45)),
        bearer=bearer,
    )


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_saga_on_celery(shop: Shop, topology: OnCelery, scenario: str) -> None:
    SCENARIOS[scenario](shop, topology)


@pytest.mark.usefixtures("postgres")
def test_twenty_buyers_for_five_units_on_celery(shop: Shop, topology: OnCelery) -> None:
    last_units_under_a_rush(shop, topology, buyers=20, units=5)
