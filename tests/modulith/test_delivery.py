"""Delivery through the inbox: exactly-once database effects, isolated subscriptions."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from modulith.events.delivery import Outcome, deliver
from modulith.events.dispatch import claim_pending
from modulith.events.subscriptions import get_subscription
from modulith.models import InboxMessage, OutboxMessage
from modulith.testing import deliver_to, drain, make_envelope, redeliver
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened
from tests.modulith.contexts.sample.services import thing_happen

HANDLER = "listener.on_thing_happened"


def test_a_redelivered_envelope_is_acknowledged_without_running_the_handler(db, thing_id, effects):
    envelope, first = deliver_to(HANDLER, ThingHappened(thing_id=thing_id))

    again = [redeliver(HANDLER, envelope) for _ in range(3)]

    assert first is Outcome.PROCESSED
    assert again == [Outcome.DUPLICATE] * 3
    assert effects(thing_id, "on_thing_happened") == 1
    assert InboxMessage.objects.get(event_id=envelope["id"]).attempts == 1


def test_a_failing_subscription_does_not_affect_another_one(db, thing_id, effects):
    thing_happen(thing_id=thing_id, behaviour=Behaviour.FAIL)

    drain(include_retries=False)

    assert effects(thing_id, "on_thing_happened") == 0
    assert effects(thing_id, "audit_thing_happened") == 1
    failed = InboxMessage.objects.get(subscription=HANDLER)
    assert failed.status == "retrying"
    assert "thing" in failed.last_error and "is broken" in failed.last_error


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_never_fails_the_publisher(thing_id, effects):
    envelope = thing_happen(thing_id=thing_id, behaviour=Behaviour.FAIL)

    assert envelope["id"]
    assert effects(thing_id, "audit_thing_happened") == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_envelope_delivered_five_times_concurrently_has_its_effect_once(thing_id, effects):
    envelope = make_envelope(ThingHappened(thing_id=thing_id, behaviour=Behaviour.SLOW))
    start = threading.Barrier(5)
    outcomes: list[Outcome] = []

    def deliver_once() -> None:
        try:
            start.wait()
            outcomes.append(redeliver(HANDLER, envelope))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver_once) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcome.value for outcome in outcomes) == ["duplicate"] * 4 + ["processed"]
    assert effects(thing_id, "on_thing_happened") == 1


@pytest.mark.django_db(transaction=True)
def test_a_relay_passes_over_a_row_whose_delivery_is_carrying_its_mark(postgres, thing_id):
    envelope = make_envelope(ThingHappened(thing_id=thing_id, behaviour=Behaviour.SLOW))
    OutboxMessage.objects.create(
        id=envelope["id"], event_type=envelope["type"], source_context="sample", envelope=envelope
    )
    outcomes: list[Outcome] = []

    def deliver_carrying_the_mark() -> None:
        try:
            mark = [envelope["id"]]
            outcomes.append(deliver(get_subscription(HANDLER), envelope, mark_dispatched=mark))
        finally:
            connections.close_all()

    delivery = threading.Thread(target=deliver_carrying_the_mark)
    delivery.start()
    passed_over = False
    while delivery.is_alive() and not passed_over:
        # Not claimable, yet still pending afterwards (so during the claim too): held by the
        # delivery in progress.
        claimed = claim_pending("default", limit=10, anyway=True)
        pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
        passed_over = claimed == [] and pending
    delivery.join(timeout=60)

    assert passed_over
    assert outcomes == [Outcome.PROCESSED]
    assert OutboxMessage.objects.get().dispatched_at is not None


def test_every_failed_attempt_is_kept_in_the_rows_history(db, thing_id):
    envelope, first = deliver_to(
        HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL)
    )

    second = redeliver(HANDLER, envelope)

    failures = InboxMessage.objects.get(subscription=HANDLER, event_id=envelope["id"]).failures
    assert (first, second) == (Outcome.RETRYING, Outcome.RETRYING)
    assert [failure["attempt"] for failure in failures] == [1, 2]
    assert all("is broken" in failure["error"] for failure in failures)
    assert all(failure["replay"] == 0 and failure["at"] for failure in failures)
