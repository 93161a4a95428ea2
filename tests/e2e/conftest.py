"""Fixtures of the end-to-end tests: a real HTTP server (live_server), real tokens, real events.

The tests are transactional: nothing is rolled back, so on_commit fires and events flow. The
root conftest signs tokens with the session's key and reloads shipping's default rates after
each flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings
from rest_framework.throttling import ScopedRateThrottle

from tests.e2e.topologies import E2E_BROKER_URL
from tests.support import services
from tests.support.suites import mark_suite


@pytest.fixture
def e2e_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    # Every scenario registers and logs in customers from 127.0.0.1; identity's per-address
    # throttles would start refusing them within a minute.
    for scope in ("register", "token"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, None)
    yield settings


@pytest.fixture
def broker_url() -> str:
    return services.require(E2E_BROKER_URL, 6379, "Redis")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here starts processes or servers: the suite is slow, and make test-fast skips it.
    mark_suite(items, Path(__file__).parent, pytest.mark.slow)
