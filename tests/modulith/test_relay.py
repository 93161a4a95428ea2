"""The relay: nothing committed is lost, and several relays never send a row twice."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from modulith.events.dispatch import relay_outbox
from modulith.events.recovery.relay import relay_once
from modulith.models import OutboxMessage
from modulith.testing import make_envelope
from tests.modulith.conftest import LISTENER_QUEUE
from tests.modulith.contexts.sample.events import ThingHappened
from tests.modulith.contexts.sample.services import thing_happen
from tests.support.workers import use_broker


def test_a_committed_event_whose_process_died_before_dispatch_is_sent_by_the_relay(
    db, thing_id, effects
):
    # In a test transaction on_commit never fires: exactly what a crash after commit leaves.
    envelope = thing_happen(thing_id=thing_id)
    row = OutboxMessage.objects.get(id=envelope["id"])

    before_grace = relay_once()
    OutboxMessage.objects.filter(id=row.id).update(available_at=timezone.now())
    after_grace = relay_once()

    assert before_grace.dispatched == 0  # the publisher's grace: its own dispatch may still come
    assert after_grace.dispatched == 1
    row.refresh_from_db()
    assert row.dispatched_at is not None
    assert effects(thing_id) == 2


def test_the_relay_command_runs_one_round(db, thing_id, effects):
    thing_happen(thing_id=thing_id)
    OutboxMessage.objects.update(available_at=timezone.now())
    out = StringIO()

    call_command("events", "relay", "--once", stdout=out)

    assert "dispatched 1 event(s)" in out.getvalue()
    assert effects(thing_id) == 2


def test_a_claimed_row_is_left_alone_by_other_relays_until_its_lease_ends(db, thing_id):
    thing_happen(thing_id=thing_id)
    OutboxMessage.objects.update(available_at=timezone.now())
    from modulith.events.dispatch import claim_pending

    first = claim_pending("default", limit=10)
    second = claim_pending("default", limit=10)
    OutboxMessage.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    after_lease = claim_pending("default", limit=10)

    assert len(first) == 1 and second == [] and len(after_lease) == 1


def _pending_outbox(count: int, thing_id: uuid.UUID | None = None) -> list[str]:
    """Committed, claimable outbox rows that no process dispatched (as if it died)."""
    now = timezone.now()
    rows = []
    for _ in range(count):
        envelope = make_envelope(ThingHappened(thing_id=thing_id or uuid.uuid4()))
        rows.append(
            OutboxMessage(
                id=envelope["id"],
                event_type=envelope["type"],
                source_context="sample",
                envelope=envelope,
                available_at=now,
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=500)
    return [row.id for row in rows]


def _messages_in_redis_queue(redis_url: str, queue: str) -> list[tuple[str, str]]:
    import redis

    client = redis.Redis.from_url(redis_url)
    sent = []
    for raw in client.lrange(queue, 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        sent.append((args[0], args[1]["id"]))
    return sent


@pytest.fixture
def empty_listener_queue(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(LISTENER_QUEUE)
    yield
    client.delete(LISTENER_QUEUE)


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_dispatch_every_one_of_1000_events_exactly_once(
    redis_url, empty_listener_queue, modulith_settings
):
    modulith_settings(CONTEXT_TRANSPORTS={"listener": "celery"}, RELAY_BATCH_SIZE=50)
    event_ids = set(_pending_outbox(1000))
    dispatched = [0, 0]
    start = threading.Barrier(2)

    def relay(index: int) -> None:
        try:
            start.wait()
            while (count := relay_outbox("default")) > 0:
                dispatched[index] += count
        finally:
            connections.close_all()

    with use_broker(redis_url):
        relays = [threading.Thread(target=relay, args=(index,)) for index in range(2)]
        for thread in relays:
            thread.start()
        for thread in relays:
            thread.join(timeout=120)

    sent = _messages_in_redis_queue(redis_url, LISTENER_QUEUE)
    assert sum(dispatched) == 1000
    assert all(dispatched), f"both relays should have worked: {dispatched}"
    assert len(sent) == 2000  # two listener subscriptions per event
    assert len(set(sent)) == 2000
    assert {event_id for _, event_id in sent} == {str(event_id) for event_id in event_ids}
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_relay_loop_dispatches_pending_events_and_runs_due_retries_until_stopped(effects):
    import sys

    from modulith.testing import deliver_to
    from tests.modulith.contexts.listener.models import Repair
    from tests.modulith.contexts.sample.events import Behaviour
    from tests.support.processes import child_env, spawn
    from tests.support.waiting import wait_until
    from tests.support.workers import database_url

    stranded, failing = uuid.uuid4(), uuid.uuid4()
    _pending_outbox(1, thing_id=stranded)
    deliver_to(
        "listener.on_thing_happened", ThingHappened(thing_id=failing, behaviour=Behaviour.FAIL)
    )
    Repair.objects.create(thing_id=failing)  # the fix; the retry falls due in under a second
    env = child_env(DATABASE_URL=database_url(connections["default"].settings_dict))

    relay = spawn(
        [sys.executable, "manage.py", "events", "relay", "--interval", "0.1"], env=env, name="relay"
    )
    try:
        wait_until(
            lambda: effects(stranded) == 2 and effects(failing, "on_thing_happened") == 1,
            timeout=30,
            what="the relay to dispatch the stranded event and run the due retry",
        )
    finally:
        relay.stop()
        output = relay.log()
        relay.log_path.unlink(missing_ok=True)

    assert effects(stranded) == 2  # both subscriptions
    assert effects(failing, "on_thing_happened") == 1
    assert "relay stopped" in output
    assert relay.process.returncode == 0


@pytest.mark.django_db(transaction=True)
def test_a_relay_skips_rows_another_relay_holds_locked_instead_of_waiting():
    from tests.support import services

    services.require_postgres()
    held, free = _pending_outbox(2)
    from modulith.events.dispatch import claim_pending

    locked = threading.Event()
    release = threading.Event()

    def other_relay_mid_claim() -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(id=held))
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_relay_mid_claim)
    other.start()
    locked.wait(timeout=10)
    try:
        claimed = claim_pending("default", limit=10)
    finally:
        release.set()
        other.join(timeout=10)

    assert [event_id for event_id, _ in claimed] == [str(free)]
