"""The saga end to end with in-process events: one process serves HTTP and runs every handler.

The expiry scenario holds payments back by moving it to the Celery transport for the block (a
Redis broker, no worker yet), then starts a payments worker: the mixed topology of an extracted
payments service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
import redis
from django.core import mail
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from contexts.payments.providers.breaker import reset_breaker
from tests.e2e.scenarios import SCENARIOS, last_units_under_a_rush
from tests.e2e.shop import Shop
from tests.e2e.topologies import Breaker
from tests.support.auth import BearerFactory
from tests.support.workers import start_worker, use_broker, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


class InProcess:
    breaker = Breaker(fail_max=3, reset_seconds=1.0, provider_timeout_seconds=0.3)

    def __init__(self, request: pytest.FixtureRequest, settings: Settings) -> None:
        self.request = request
        settings.PAYMENTS_BREAKER_FAIL_MAX = self.breaker.fail_max
        settings.PAYMENTS_BREAKER_RESET_SECONDS = self.breaker.reset_seconds
        settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS = self.breaker.provider_timeout_seconds
        settings.PAYMENTS_FAKE_LATENCY_MS = 0
        settings.REDIS_URL = ""  # the breaker lives in this process's memory
        reset_breaker()  # rebuilt from the settings above on first use
        self.cleanup = ExitStack()

    def emails_to(self, address: str) -> list[str]:
        return [message.subject for message in mail.outbox if address in message.to]

    @contextmanager
    def payments_paused(self) -> Iterator[None]:
        broker_url = self.request.getfixturevalue("broker_url")
        redis.Redis.from_url(broker_url).delete("ctx.payments")  # leftovers of an aborted run
        self.cleanup.enter_context(use_broker(broker_url))
        self.request.getfixturevalue("event_transports")(payments="celery")
        yield
        env = worker_env(broker_url=broker_url, transports={"payments": "celery"})
        self.cleanup.enter_context(start_worker(queues=["ctx.payments"], env=env))

    def close(self) -> None:
        self.cleanup.close()


@pytest.fixture
def topology(request: pytest.FixtureRequest, e2e_settings: Settings) -> Iterator[InProcess]:
    running = InProcess(request, e2e_settings)
    yield running
    running.close()


@pytest.fixture
def shop(live_server: LiveServer, bearer: BearerFactory, e2e_settings: Settings) -> Shop:
    return Shop(base_url=live_server.url, timeout=10, bearer=bearer)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_saga_in_process(shop: Shop, topology: InProcess, scenario: str) -> None:
    SCENARIOS[scenario](shop, topology)


@pytest.mark.usefixtures("postgres")
def test_twenty_buyers_for_five_units_in_process(shop: Shop, topology: InProcess) -> None:
    last_units_under_a_rush(shop, topology, buyers=20, units=5)
