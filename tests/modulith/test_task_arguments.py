"""What a delivery task shows monitoring of its arguments: the subscription and the event, not
a representation of the whole envelope (which Celery would build for every send)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from modulith import tasks
from modulith.subscriptions import get_subscription
from modulith.testing import make_envelope
from tests.modulith.contexts.sample.events import ThingHappened


def test_a_delivery_is_sent_with_a_short_representation_of_its_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.deliver_task, "apply_async", lambda **options: sent.append(options))
    subscription = get_subscription("listener.on_thing_happened")
    envelope = make_envelope(ThingHappened(thing_id=uuid.uuid4()))

    tasks.enqueue_delivery(subscription, envelope)

    [options] = sent
    assert options["args"] == (subscription.name, envelope)
    assert options["argsrepr"] == (
        f"('listener.on_thing_happened', <{envelope['type']} {envelope['id']}>)"
    )
    assert options["kwargsrepr"] == "{}"
    assert options["queue"] == subscription.context.queue
