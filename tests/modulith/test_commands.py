"""The operator's commands: contexts, events schedule, events purge."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from modulith.events.recovery.retention import purge
from modulith.models import InboxMessage, InboxStatus, OutboxMessage
from modulith.ops.schedule import ensure_schedule
from modulith.testing import deliver_to, drain
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened
from tests.modulith.contexts.sample.services import thing_happen


def test_contexts_lists_transport_database_queue_events_subscriptions_and_backlog(
    db, thing_id, modulith_settings
):
    modulith_settings(CONTEXT_TRANSPORTS={"listener": "celery"})
    thing_happen(thing_id=thing_id)
    out = StringIO()

    call_command("contexts", stdout=out)

    listing = out.getvalue()
    sample = listing[listing.index("sample  (") : listing.index("listener  (")]
    listener = listing[listing.index("listener  (") : listing.index("remote  (")]
    assert "transport:  inprocess" in sample and "database:   default" in sample
    assert "queue:      ctx.sample" in sample
    assert "- shop.sample.thing.happened.v1" in sample
    assert "outbox backlog: 1 pending" in sample
    assert "transport:  celery" in listener
    assert "- listener.on_thing_happened <- shop.sample.thing.happened.v1" in listener
    assert "inbox backlog:  0 retrying, 0 dead" in listener


def test_the_periodic_jobs_are_registered_once_however_often_scheduling_runs(db):
    PeriodicTask.objects.filter(task__startswith="modulith.").delete()

    first = ensure_schedule()
    second = ensure_schedule()
    call_command("events", "schedule", stdout=(out := StringIO()))

    assert len(first) == 2 and second == []
    assert "already up to date" in out.getvalue()
    tasks = PeriodicTask.objects.filter(task__startswith="modulith.")
    assert sorted(tasks.values_list("task", flat=True)) == ["modulith.purge", "modulith.relay"]
    assert tasks.get(task="modulith.relay").interval.every == 5


def test_retention_deletes_only_old_dispatched_and_processed_rows(db, thing_id, modulith_settings):
    modulith_settings(OUTBOX_RETENTION=timedelta(days=7), INBOX_RETENTION=timedelta(days=30))
    thing_happen(thing_id=thing_id)
    drain()
    deliver_to(
        "listener.on_thing_happened",
        ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY),
    )
    thing_happen(thing_id=thing_id)  # still pending
    long_ago = timezone.now() - timedelta(days=40)
    OutboxMessage.objects.filter(dispatched_at__isnull=False).update(dispatched_at=long_ago)
    InboxMessage.objects.update(processed_at=long_ago, received_at=long_ago)

    purged = purge("default")

    assert (purged.outbox, purged.inbox) == (1, 2)
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 1
    assert list(InboxMessage.objects.values_list("status", flat=True)) == [InboxStatus.DEAD]


def test_the_purge_command_reports_what_it_deleted(db):
    out = StringIO()

    call_command("events", "purge", stdout=out)

    assert "deleted 0 outbox row(s) and 0 inbox row(s)" in out.getvalue()


def test_the_beat_tasks_relay_and_purge_when_called(db, thing_id, effects):
    from modulith.tasks import purge_task, relay_task

    thing_happen(thing_id=thing_id)
    OutboxMessage.objects.update(available_at=timezone.now())

    relayed = relay_task()
    purged = purge_task()

    assert relayed == {"dispatched": 1, "retried": 0}
    assert purged == {"outbox": 0, "inbox": 0}
    assert effects(thing_id) == 2


def test_the_admin_lists_outbox_and_inbox_with_filters(admin_client, thing_id):
    thing_happen(thing_id=thing_id)
    drain()

    outbox = admin_client.get("/admin/modulith/outboxmessage/?dispatch=dispatched")
    inbox = admin_client.get("/admin/modulith/inboxmessage/?status__exact=processed")

    assert outbox.status_code == 200 and b"shop.sample.thing.happened.v1" in outbox.content
    assert inbox.status_code == 200 and b"listener.on_thing_happened" in inbox.content
