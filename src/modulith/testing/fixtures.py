"""pytest plugin of the test kit. Enable it in the root conftest.py:

    pytest_plugins = ["modulith.testing.fixtures"]

Fixtures:
- captured_events: every event published during the test (CapturedEvents).
- drain_events: modulith.testing.drain, for tests wrapped in a transaction.
- scenario: a fresh Scenario, closed after the test.
- event_transports: switch a context's transport for the test, by settings only:
  `event_transports(notifications="celery")`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from modulith.testing.kit import CapturedEvents, capture_events, drain
from modulith.testing.scenario import Scenario


@pytest.fixture
def captured_events() -> Iterator[CapturedEvents]:
    with capture_events() as captured:
        yield captured


@pytest.fixture
def drain_events(db: None) -> Callable[..., int]:
    return drain


@pytest.fixture
def scenario() -> Iterator[Scenario]:
    with Scenario() as running:
        yield running


@pytest.fixture
def event_transports() -> Iterator[Callable[..., None]]:
    """Call with context=transport pairs; the settings return to normal after the test."""
    overrides: list[override_settings] = []

    def switch(**transports: str) -> None:
        from django.conf import settings as django_settings

        modulith = dict(getattr(django_settings, "MODULITH", {}))
        modulith["CONTEXT_TRANSPORTS"] = {**modulith.get("CONTEXT_TRANSPORTS", {}), **transports}
        override = override_settings(MODULITH=modulith)
        override.enable()
        overrides.append(override)

    yield switch
    for override in reversed(overrides):
        override.disable()
