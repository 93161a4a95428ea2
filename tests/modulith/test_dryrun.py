"""Dry-run replay: the current handler runs on a dead letter's event, and everything it did is
rolled back; the answer says what it would have written and published, or how it fails now."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from modulith.events.recovery.dryrun import dry_run, dry_run_inbox_row
from modulith.models import InboxMessage, InboxStatus, OutboxMessage
from modulith.testing import deliver_to, make_envelope
from tests.modulith.contexts.listener.models import Effect, Repair, Sighting
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingTraced

HANDLER = "listener.on_thing_happened"


@pytest.fixture
def dead_letter(db, thing_id) -> InboxMessage:
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY))
    return InboxMessage.objects.get(subscription=HANDLER, status=InboxStatus.DEAD)


def test_a_dry_run_of_a_still_broken_dead_letter_shows_the_error_it_raises_now(dead_letter):
    result = dry_run_inbox_row(id=dead_letter.id, database="default")

    assert not result.succeeded
    assert result.error.startswith("PermanentError: thing ")
    assert "raise PermanentError" in result.traceback
    assert (result.writes, result.published) == ((), ())


def test_after_a_fix_the_dry_run_shows_the_write_and_leaves_no_trace(dead_letter, thing_id):
    Repair.objects.create(thing_id=thing_id)

    result = dry_run_inbox_row(id=dead_letter.id, database="default")

    assert result.succeeded and result.error == ""
    [write] = result.writes
    assert write.database == "default"
    assert write.sql.startswith("INSERT INTO") and "listener_effect" in write.sql
    assert Effect.objects.count() == 0
    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.attempts) == (InboxStatus.DEAD, 1)


def test_a_dry_run_shows_the_events_the_handler_would_publish_and_publishes_none(db, thing_id):
    outbox_before = OutboxMessage.objects.count()

    result = dry_run(
        subscription="listener.on_thing_traced",
        envelope=make_envelope(ThingTraced(thing_id=thing_id, echo=True)),
    )

    assert result.succeeded
    [echo] = result.published
    assert echo["type"] == "shop.listener.thing.echoed.v1"
    assert echo["data"]["thing_id"] == str(thing_id)
    assert any("modulith_outboxmessage" in write.sql for write in result.writes)
    assert OutboxMessage.objects.count() == outbox_before
    assert Sighting.objects.count() == 0


def test_a_dry_run_of_an_unknown_subscription_reports_it(db, thing_id):
    envelope = make_envelope(ThingTraced(thing_id=thing_id))

    result = dry_run(subscription="nope.nope", envelope=envelope)

    assert not result.succeeded
    assert "No subscription is named 'nope.nope'" in result.error


def test_the_command_dry_runs_fails_while_broken_and_replays_nothing(dead_letter, thing_id):
    out = StringIO()

    with pytest.raises(CommandError, match="1 of 1 dry run"):
        call_command("events", "replay", "--id", str(dead_letter.id), "--dry-run", stdout=out)

    assert f"default#{dead_letter.id}  {HANDLER}" in out.getvalue()
    assert "would FAIL" in out.getvalue() and "error: PermanentError" in out.getvalue()

    Repair.objects.create(thing_id=thing_id)
    out = StringIO()
    call_command("events", "replay", "--all", "--dry-run", stdout=out)

    assert "would succeed; 1 write(s), 0 event(s) published" in out.getvalue()
    assert "nothing was replayed" in out.getvalue()
    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.replay_count) == (InboxStatus.DEAD, 0)
    assert Effect.objects.count() == 0
