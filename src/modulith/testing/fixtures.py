"""pytest plugin of the test kit. Enable it in the root conftest.py:

    pytest_plugins = ["modulith.testing.fixtures"]

Fixtures:
- captured_events: every event published during the test (CapturedEvents).
- drain_events: modulith.testing.drain, for tests wrapped in a transaction.
- scenario: a fresh Scenario, closed after the test.
- event_transports: switch a context's transport for the test, by settings only:
  `event_transports(notifications="celery")`.
- boundary guards (modulith.guards), on for the whole session: a test during which a context
  queried another context's tables, sent a message, email or HTTP request inside a transaction,
  or got a model out of an api function fails, even if the code caught the error. A test that
  provokes a violation on purpose takes it with the `boundary_violations` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from modulith import guards
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
        modulith = dict(getattr(django_settings, "MODULITH", {}))
        modulith["CONTEXT_TRANSPORTS"] = {**modulith.get("CONTEXT_TRANSPORTS", {}), **transports}
        override = override_settings(MODULITH=modulith)
        override.enable()
        overrides.append(override)

    yield switch
    for override in reversed(overrides):
        override.disable()


@pytest.fixture(scope="session", autouse=True)
def _boundary_guards() -> Iterator[None]:
    """The guards are on for every test, whatever DEBUG says (the test runner turns it off)."""
    already = guards.active()
    guards.install()
    guards.take_caught()  # anything from creating the test databases is not a test's doing
    yield
    if not already:
        guards.uninstall()


@pytest.fixture(autouse=True)
def _no_boundary_violation(_boundary_guards: None) -> Iterator[None]:
    guards.take_caught()
    yield
    caught = guards.take_caught()
    if caught:
        pytest.fail(
            "The code crossed a context boundary during this test (the error may have been "
            "caught and logged):\n" + "\n".join(f"- {error}" for error in caught),
            pytrace=False,
        )


@pytest.fixture
def boundary_violations() -> Callable[[], list[guards.BoundaryViolation]]:
    """For tests that cross a boundary on purpose: call it to take what the guards caught."""
    return guards.take_caught
