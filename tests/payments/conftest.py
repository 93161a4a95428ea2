"""Fixtures for the payments tests: a fast provider timeout and a circuit breaker that starts
closed in every test. Principals and clients (customer, staff, client_for) come from
tests/conftest.py; their types are re-exported for the modules that import them from here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from contexts.payments.providers.breaker import reset_breaker
from tests.support.clients import ClientFor as ClientFor
from tests.support.clients import MakePrincipal as MakePrincipal


@pytest.fixture(autouse=True)
def _fast_provider(settings: Settings) -> Iterator[None]:
    # tok_unavailable hangs past the timeout: keep it short so tests stay quick. Without
    # REDIS_URL the breaker lives in memory; Redis tests build their own breakers.
    settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS = 0.2
    settings.PAYMENTS_FAKE_LATENCY_MS = 0
    settings.PAYMENTS_BREAKER_FAIL_MAX = 5
    settings.PAYMENTS_BREAKER_RESET_SECONDS = 30
    settings.REDIS_URL = ""
    reset_breaker()
    yield
    reset_breaker()
