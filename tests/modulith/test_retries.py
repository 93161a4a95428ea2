"""Failed handlers retry with growing delays, then become dead letters that can be replayed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from modulith.events.delivery import Outcome
from modulith.events.recovery.retries import resend_due_retries
from modulith.events.retry_policy import retry_delay
from modulith.models import InboxMessage, InboxStatus
from modulith.testing import deliver_to, drain
from tests.modulith.contexts.listener.models import Repair
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened

HANDLER = "listener.on_thing_happened"


@pytest.fixture
def retry_policy(modulith_settings):
    modulith_settings(RETRY_MAX_ATTEMPTS=5, RETRY_BASE_DELAY=1.0, RETRY_MAX_DELAY=300.0)


def test_retry_delays_grow_exponentially_with_jitter_and_a_cap(modulith_settings):
    modulith_settings(RETRY_BASE_DELAY=2.0, RETRY_MAX_DELAY=10.0)

    samples = {
        attempt: [retry_delay(attempt).total_seconds() for _ in range(200)]
        for attempt in (1, 2, 3, 6)
    }

    assert min(samples[1]) >= 1.0 and max(samples[1]) <= 2.0
    assert min(samples[2]) >= 2.0 and max(samples[2]) <= 4.0
    assert min(samples[3]) >= 4.0 and max(samples[3]) <= 8.0
    assert min(samples[6]) >= 5.0 and max(samples[6]) <= 10.0
    assert len(set(samples[3])) > 150  # jitter spreads retries of many events


def test_a_failing_handler_retries_with_growing_delays_then_becomes_a_dead_letter(
    db, thing_id, effects, retry_policy
):
    failed_at = timezone.now()
    envelope, _ = deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL))
    row = InboxMessage.objects.get(event_id=envelope["id"], subscription=HANDLER)
    delays, early_resends = [], []
    while row.status == InboxStatus.RETRYING:
        delays.append((row.next_attempt_at - failed_at).total_seconds())
        early_resends.append(
            resend_due_retries("default", now=row.next_attempt_at - timedelta(seconds=0.1))
        )
        failed_at = timezone.now()
        resend_due_retries("default", now=row.next_attempt_at)
        row.refresh_from_db()

    assert early_resends == [0, 0, 0, 0]
    assert len(delays) == 4 and delays == sorted(delays)
    assert 4.0 <= delays[-1] <= 8.5
    assert row.status == InboxStatus.DEAD
    assert row.attempts == 5
    assert row.last_error == f"RuntimeError: thing {thing_id} is broken"
    assert "Traceback" in row.traceback and "_behave" in row.traceback
    assert effects(thing_id, "on_thing_happened") == 0


def test_after_a_fix_replaying_a_dead_letter_makes_the_effect_happen_once(
    db, thing_id, effects, retry_policy
):
    envelope, _ = deliver_to(
        HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY)
    )
    dead = InboxMessage.objects.get(event_id=envelope["id"])
    Repair.objects.create(thing_id=thing_id)

    call_command("events", "replay", "--id", str(dead.id), stdout=StringIO())
    call_command("events", "replay", "--all", stdout=StringIO())
    drain()

    dead.refresh_from_db()
    assert dead.status == InboxStatus.PROCESSED
    assert dead.replay_count == 1
    assert effects(thing_id, "on_thing_happened") == 1


def test_a_permanent_error_goes_straight_to_dead_letter(db, thing_id, retry_policy):
    _, outcome = deliver_to(
        HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY)
    )

    row = InboxMessage.objects.get(subscription=HANDLER)
    assert outcome is Outcome.DEAD
    assert (row.status, row.attempts) == (InboxStatus.DEAD, 1)
    assert "PermanentError" in row.last_error


def test_a_dead_letter_delivered_again_does_not_run_until_replayed(db, thing_id, effects):
    envelope, _ = deliver_to(
        HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY)
    )
    Repair.objects.create(thing_id=thing_id)

    from modulith.testing import redeliver

    assert redeliver(HANDLER, envelope) is Outcome.DEAD
    assert effects(thing_id) == 0


def test_dead_letters_are_listed_and_replayed_by_subscription(db, retry_policy, effects):
    import uuid

    things = [uuid.uuid4() for _ in range(2)]
    for thing in things:
        deliver_to(HANDLER, ThingHappened(thing_id=thing, behaviour=Behaviour.FAIL_PERMANENTLY))
        Repair.objects.create(thing_id=thing)
    listing = StringIO()

    call_command("events", "dead", stdout=listing)
    call_command("events", "replay", "--subscription", HANDLER, stdout=(replayed := StringIO()))

    assert "2 dead letter(s)" in listing.getvalue()
    assert HANDLER in listing.getvalue() and "PermanentError" in listing.getvalue()
    assert "replayed 2 dead letter(s)" in replayed.getvalue()
    assert [effects(thing, "on_thing_happened") for thing in things] == [1, 1]
    assert not InboxMessage.objects.filter(status=InboxStatus.DEAD).exists()


def test_the_admin_replays_the_selected_dead_letters(db, thing_id, effects):
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY))
    Repair.objects.create(thing_id=thing_id)
    staff = get_user_model().objects.create_superuser(
        **{get_user_model().USERNAME_FIELD: "ops@example.com"}, password="x-very-long-pass"
    )
    request = RequestFactory().post("/admin/modulith/inboxmessage/")
    request.user = staff
    request._messages = _Messages()
    model_admin = site._registry[InboxMessage]

    model_admin.replay(request, InboxMessage.objects.all())

    assert effects(thing_id, "on_thing_happened") == 1
    assert "Replayed 1 dead letter(s)." in request._messages.texts


class _Messages:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        self.texts.append(str(message))
