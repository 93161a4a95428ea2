"""Test kit for every context's tests: capture published events, drain deliveries, scenarios.

    with capture_events() as captured:
        order_place(...)
    assert captured.of_type(OrderPlaced)[0].order_id == order.id
    drain()  # deliver everything pending, deterministically, in this process

pytest fixtures (captured_events, drain_events, scenario, event_transports) come from the plugin
`modulith.testing.fixtures`: add it to `pytest_plugins` in the root conftest.py.

The plugin also turns on the run-time boundary guards (modulith.guards) for the whole session:
no other test tool isolates contexts down to their tables. A test fails when, during it, code of
one context queried another context's tables, sent a task, an email or an HTTP request inside
a transaction, or got a model, QuerySet or manager out of an @api_function; even if the code
under test caught the error. Tests that cross a boundary on purpose take what was caught with
the `boundary_violations` fixture.
"""

from __future__ import annotations

from modulith.events.delivery import Outcome
from modulith.testing.kit import (
    CapturedEvents,
    capture_events,
    deliver_to,
    drain,
    make_envelope,
    pending_outbox_count,
    redeliver,
)
from modulith.testing.scenario import Scenario

__all__ = [
    "CapturedEvents",
    "Outcome",
    "Scenario",
    "capture_events",
    "deliver_to",
    "drain",
    "make_envelope",
    "pending_outbox_count",
    "redeliver",
]
