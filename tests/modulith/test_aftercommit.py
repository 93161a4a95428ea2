"""Right after a commit: a transaction's events are dispatched together, and one delivery's
commit marks them all dispatched (modulith.events.aftercommit, docs/performance.md)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from modulith import publish
from modulith.events import aftercommit
from modulith.events.marks import pending_marks
from modulith.events.subscriptions import get_subscription
from modulith.models import InboxMessage, OutboxMessage
from tests.modulith.contexts.listener.models import Effect
from tests.modulith.contexts.remote.models import Arrival
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingNoted, ThingTraced
from tests.modulith.contexts.sample.models import Thing
from tests.support.waiting import wait_until
from tests.support.workers import use_broker

pytestmark = pytest.mark.django_db(transaction=True)


def statements_after_commit(captured: CaptureQueriesContext) -> list[str]:
    sql = [query["sql"] for query in captured.captured_queries]
    return sql[sql.index("COMMIT") + 1 :]


def test_events_published_in_one_transaction_are_delivered_after_its_commit_in_order():
    things = [uuid.uuid4() for _ in range(3)]

    with transaction.atomic():
        for thing_id in things:
            publish(ThingNoted(thing_id=thing_id, note="batched"))
        delivered_before_commit = Effect.objects.count()

    assert delivered_before_commit == 0
    assert list(Effect.objects.order_by("id").values_list("thing_id", flat=True)) == things
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_the_dispatched_marks_of_a_transactions_events_ride_on_its_last_delivery():
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        for _ in range(3):
            publish(ThingNoted(thing_id=uuid.uuid4(), note="batched"))

    after_commit = statements_after_commit(captured)
    # One transaction per delivery, none of its own for the marks.
    assert len([sql for sql in after_commit if sql.startswith("BEGIN")]) == 3
    marks = [sql for sql in after_commit if '"dispatched_at" =' in sql]
    assert len(marks) == 1
    assert all(row.id.hex in marks[0] for row in OutboxMessage.objects.all())
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_a_single_event_delivered_in_process_costs_one_transaction_after_the_commit():
    thing_id = uuid.uuid4()

    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        Thing.objects.create(id=thing_id, note="counted")
        publish(ThingNoted(thing_id=thing_id, note="counted"))

    # BEGIN, INSERT thing, INSERT outbox, COMMIT; then BEGIN, the inbox row with the
    # dispatched mark (one statement on PostgreSQL, two on SQLite), the handler's INSERT, COMMIT.
    expected = {"postgresql": 8, "sqlite": 9}[connection.vendor]
    assert len(captured.captured_queries) == expected
    assert OutboxMessage.objects.get().dispatched_at is not None


def test_an_event_rolled_back_with_its_savepoint_is_left_out_of_its_transactions_batch():
    kept_before, dropped, kept_after = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    with transaction.atomic():
        publish(ThingNoted(thing_id=kept_before, note="kept"))
        try:
            with transaction.atomic():
                publish(ThingNoted(thing_id=dropped, note="dropped"))
                raise RuntimeError("abandon this part")
        except RuntimeError:
            pass
        publish(ThingNoted(thing_id=kept_after, note="kept"))

    assert set(Effect.objects.values_list("thing_id", flat=True)) == {kept_before, kept_after}
    assert OutboxMessage.objects.count() == InboxMessage.objects.count() == 2


def test_events_published_in_released_savepoints_are_delivered_with_the_rest():
    outer, inner, innermost = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    with transaction.atomic():
        with transaction.atomic():
            publish(ThingNoted(thing_id=inner, note="inner"))
            with transaction.atomic():
                publish(ThingNoted(thing_id=innermost, note="innermost"))
        publish(ThingNoted(thing_id=outer, note="outer"))

    assert sorted(Effect.objects.values_list("thing_id", flat=True)) == sorted(
        [outer, inner, innermost]
    )
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_an_event_a_handler_publishes_is_delivered_once_that_handlers_delivery_commits():
    thing_id = uuid.uuid4()

    with transaction.atomic():
        publish(ThingTraced(thing_id=thing_id, echo=True))

    assert Arrival.objects.filter(thing_id=thing_id, to="echo").count() == 1
    echoed = OutboxMessage.objects.get(event_type="shop.listener.thing.echoed.v1")
    traced = OutboxMessage.objects.get(event_type="shop.sample.thing.traced.v1")
    assert echoed.envelope["causationid"] == str(traced.id)
    assert echoed.dispatched_at is not None and traced.dispatched_at is not None


def test_a_failing_handler_leaves_the_others_delivered_and_the_events_marked_dispatched(effects):
    failing, fine = uuid.uuid4(), uuid.uuid4()

    with transaction.atomic():
        publish(ThingHappened(thing_id=failing, behaviour=Behaviour.FAIL))
        publish(ThingHappened(thing_id=fine))

    assert effects(failing, "on_thing_happened") == 0
    assert effects(failing, "audit_thing_happened") == 1
    assert effects(fine) == 2
    retrying = InboxMessage.objects.get(status="retrying")
    assert (retrying.subscription, retrying.envelope["data"]["thing_id"]) == (
        "listener.on_thing_happened",
        str(failing),
    )
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_when_the_delivery_carrying_the_mark_fails_the_event_is_still_marked_dispatched(
    monkeypatch, effects
):
    failing = get_subscription("listener.on_thing_happened")
    monkeypatch.setattr(aftercommit, "subscriptions_for", lambda event_type: [failing])
    thing_id = uuid.uuid4()

    with transaction.atomic():
        publish(ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL))

    assert effects(thing_id) == 0
    assert InboxMessage.objects.get().status == "retrying"
    assert OutboxMessage.objects.get().dispatched_at is not None


@pytest.mark.redis
def test_events_sent_to_a_broker_are_marked_dispatched_later_and_together(
    redis_url, modulith_settings
):
    import redis

    from tests.modulith.conftest import LISTENER_QUEUE

    modulith_settings(CONTEXT_TRANSPORTS={"listener": "celery"})
    queue = redis.Redis.from_url(redis_url)
    queue.delete(LISTENER_QUEUE)

    try:
        with use_broker(redis_url), CaptureQueriesContext(connection) as captured:
            for _ in range(2):
                with transaction.atomic():
                    for _ in range(3):
                        publish(ThingHappened(thing_id=uuid.uuid4()))
        sent = queue.llen(LISTENER_QUEUE)
    finally:
        queue.delete(LISTENER_QUEUE)

    assert sent == 12  # two listener subscriptions per event
    # Nothing after either commit: the marks wait for the next write of waiting marks.
    assert [query["sql"] for query in captured.captured_queries][-1] == "COMMIT"
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 6
    with CaptureQueriesContext(connection) as flushed:
        pending_marks.flush()
    marks = [query["sql"] for query in flushed if '"dispatched_at" =' in query["sql"]]
    assert len(marks) == 1
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.redis
def test_the_marks_waiting_in_a_process_are_written_by_its_own_thread(redis_url, modulith_settings):
    import redis

    from tests.modulith.conftest import LISTENER_QUEUE

    modulith_settings(CONTEXT_TRANSPORTS={"listener": "celery"}, MARK_INTERVAL=0.05)
    try:
        with use_broker(redis_url), transaction.atomic():
            publish(ThingHappened(thing_id=uuid.uuid4()))
    finally:
        redis.Redis.from_url(redis_url).delete(LISTENER_QUEUE)

    wait_until(
        lambda: not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists(),
        timeout=10,
        what="the waiting mark to be written",
        interval=0.02,
    )
