"""Fixtures of the end-to-end tests: a real HTTP server (live_server), real tokens, real events.

The tests are transactional: nothing is rolled back, so on_commit fires and events flow. Their
teardown empties every table, data migrations' rows included, so shipping's default rate table
is loaded again before each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections, router
from pytest_django.fixtures import Settings
from rest_framework.throttling import ScopedRateThrottle

from modulith.testing.fixtures import event_transports
from tests.orders.tokens import use_test_signing_key

__all__ = ["event_transports"]  # the test kit's fixture, for the topologies to switch transports

# A Redis database of their own for the e2e tests' Celery queues, so that no other suite's
# workers consume them (the queue names, ctx.<context>, are the same everywhere).
E2E_BROKER_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/12")


def load_default_shipping_rates() -> None:
    """What shipping's data migration seeds (idempotent). Shipping offers no other way to load
    its default rates; its staff edit them in the admin."""
    seed = import_module("contexts.shipping.migrations.0002_default_rates").seed
    alias = router.db_for_write(apps.get_model("shipping", "Zone"))
    seed(apps, SimpleNamespace(connection=connections[alias]))


@pytest.fixture
def e2e_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    use_test_signing_key(settings)
    load_default_shipping_rates()
    # Every scenario registers and logs in customers from 127.0.0.1; identity's per-address
    # throttles would start refusing them within a minute.
    for scope in ("register", "token"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, None)
    yield settings


@pytest.fixture
def broker_url() -> str:
    from tests.support import services

    return services.require(E2E_BROKER_URL, 6379, "Redis")
