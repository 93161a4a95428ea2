"""Test kit for every context's tests: capture published events, drain deliveries, scenarios.

    with capture_events() as captured:
        order_place(...)
    assert captured.of_type(OrderPlaced)[0].order_id == order.id
    drain()  # deliver everything pending, deterministically, in this process

pytest fixtures (captured_events, drain_events, scenario, event_transports) come from the plugin
`modulith.testing.fixtures`: add it to `pytest_plugins` in the root conftest.py.
"""

from __future__ import annotations

from modulith.delivery import Outcome
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
