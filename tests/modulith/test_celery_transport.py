"""The celery transport with real worker processes on real brokers (Redis and RabbitMQ).

The test process publishes; a `celery -A config worker -Q ctx.listener` subprocess, pointed at
the same test database, runs the handlers. Only settings differ from the in-process tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from opentelemetry import trace
from rest_framework.test import APIClient

from modulith import publish
from modulith.events.recovery.relay import relay_once
from modulith.models import InboxMessage, OutboxMessage
from tests.modulith.conftest import LISTENER_QUEUE
from tests.modulith.contexts.listener.models import Effect, Sighting
from tests.modulith.contexts.sample.events import Behaviour, ThingTraced
from tests.modulith.contexts.sample.services import thing_happen
from tests.support.waiting import wait_until
from tests.support.workers import Worker, start_worker, use_broker, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CELERY_LISTENER = {"listener": "celery"}
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _purge(broker_url: str) -> None:
    """Empty the listener queue, declaring it if needed (messages left by an earlier run)."""
    from kombu import Connection, Queue

    with Connection(broker_url) as connection:
        Queue(LISTENER_QUEUE, routing_key=LISTENER_QUEUE)(connection.default_channel).declare()
        connection.default_channel.queue_purge(LISTENER_QUEUE)


@pytest.fixture
def celery_listener(modulith_settings) -> None:
    modulith_settings(CONTEXT_TRANSPORTS=CELERY_LISTENER)


@pytest.fixture(scope="module")
def redis_worker(django_db_setup, django_db_blocker) -> Iterator[tuple[str, Worker]]:
    from tests.support import services

    url = services.require(services.REDIS_URL, 6379, "Redis")
    _purge(url)
    with start_worker(
        queues=[LISTENER_QUEUE], env=worker_env(broker_url=url, transports=CELERY_LISTENER)
    ) as worker:
        yield url, worker


@pytest.fixture(scope="module")
def rabbitmq_worker(django_db_setup, django_db_blocker) -> Iterator[tuple[str, Worker]]:
    from tests.support import services

    url = services.require(services.RABBITMQ_URL, 5672, "RabbitMQ")
    _purge(url)
    with start_worker(
        queues=[LISTENER_QUEUE], env=worker_env(broker_url=url, transports=CELERY_LISTENER)
    ) as worker:
        yield url, worker


def _effects_by(thing_id, handler: str) -> list[Effect]:
    return list(Effect.objects.filter(thing_id=thing_id, handler=handler))


@pytest.mark.redis
def test_an_event_published_here_is_handled_by_a_worker_on_redis(
    redis_worker, celery_listener, thing_id, effects
):
    url, worker = redis_worker

    with use_broker(url):
        envelope = thing_happen(thing_id=thing_id)

    wait_until(
        lambda: effects(thing_id) == 2, timeout=30, what="both subscriptions to run in the worker"
    )
    assert {effect.pid for effect in Effect.objects.filter(thing_id=thing_id)} <= set(
        worker.child_pids()
    )
    # Marked by this process's writer of dispatched marks (modulith.events.marks), soon after.
    wait_until(
        lambda: OutboxMessage.objects.get(id=envelope["id"]).dispatched_at is not None,
        timeout=5,
        what="the dispatched mark",
    )


@pytest.mark.rabbitmq
def test_an_event_published_here_is_handled_by_a_worker_on_rabbitmq(
    rabbitmq_worker, celery_listener, thing_id, effects
):
    url, worker = rabbitmq_worker

    with use_broker(url):
        thing_happen(thing_id=thing_id)

    wait_until(
        lambda: effects(thing_id) == 2, timeout=30, what="both subscriptions to run in the worker"
    )
    assert {effect.pid for effect in Effect.objects.filter(thing_id=thing_id)} <= set(
        worker.child_pids()
    )


@pytest.mark.redis
@override_settings(ROOT_URLCONF="tests.modulith.contexts.sample.urls")
def test_with_the_broker_down_the_request_succeeds_and_the_relay_delivers_later(
    redis_worker, celery_listener, thing_id, effects
):
    url, _ = redis_worker
    with use_broker(UNREACHABLE_BROKER):
        response = APIClient().post("/things/", {"thing_id": str(thing_id)}, format="json")
    pending = OutboxMessage.objects.get(id=response.json()["event_id"])
    relayed = []

    def relay_delivers() -> bool:
        relayed.append(relay_once().dispatched)
        return sum(relayed) == 1

    with use_broker(url):
        wait_until(relay_delivers, timeout=15, what="the relay to dispatch the pending event")
    wait_until(
        lambda: effects(thing_id) == 2, timeout=30, what="the worker to run both subscriptions"
    )

    assert response.status_code == 201
    assert pending.dispatched_at is None
    assert pending.dispatch_attempts == 1
    assert "OperationalError" in pending.last_error
    assert OutboxMessage.objects.get(id=pending.id).dispatched_at is not None


@pytest.mark.redis
def test_a_worker_killed_in_the_middle_of_a_handler_has_its_delivery_run_again_once(
    redis_worker, celery_listener, thing_id, effects, tmp_path
):
    url, worker = redis_worker
    marker = tmp_path / "paused-handler.pid"

    with use_broker(url):
        thing_happen(thing_id=thing_id, behaviour=Behaviour.PAUSE, marker=str(marker))
    wait_until(marker.exists, timeout=30, what="the handler to start and pause")
    killed = worker.kill_child(int(Path(marker).read_text()))

    wait_until(
        lambda: effects(thing_id, "on_thing_happened") == 1,
        timeout=30,
        what="a new pool process to run the delivery again",
    )
    time.sleep(0.5)  # would a second copy of the delivery still arrive?
    effect = Effect.objects.get(thing_id=thing_id, handler="on_thing_happened")
    inbox = InboxMessage.objects.get(subscription="listener.on_thing_happened")
    assert effect.pid != killed
    assert effects(thing_id, "on_thing_happened") == 1
    assert (inbox.status, inbox.attempts) == ("processed", 1)
    assert "WorkerLostError" in worker.log() or "killed" in worker.log().lower()


@pytest.mark.redis
def test_a_delivery_that_failed_in_a_worker_is_sent_to_it_again_when_its_retry_is_due(
    redis_worker, celery_listener, thing_id, effects, modulith_settings
):
    url, _ = redis_worker
    modulith_settings(RETRY_BASE_DELAY=0.2, RETRY_MAX_DELAY=0.2)
    from tests.modulith.contexts.listener.models import Repair

    with use_broker(url):
        thing_happen(thing_id=thing_id, behaviour=Behaviour.FAIL)
        wait_until(
            lambda: InboxMessage.objects.filter(status="retrying").exists(),
            timeout=30,
            what="the worker to record the failure",
        )
        Repair.objects.create(thing_id=thing_id)
        wait_until(lambda: relay_once().retried == 1, timeout=10, what="the retry to fall due")

    wait_until(
        lambda: effects(thing_id, "on_thing_happened") == 1, timeout=30, what="the retried delivery"
    )
    inbox = InboxMessage.objects.get(subscription="listener.on_thing_happened")
    assert (inbox.status, inbox.attempts) == ("processed", 2)


@pytest.mark.redis
def test_a_handler_in_a_worker_runs_inside_the_trace_of_the_request_that_published(
    redis_worker, celery_listener, thing_id, spans
):
    url, _ = redis_worker

    with (
        use_broker(url),
        trace.get_tracer("tests").start_as_current_span("place thing") as publishing,
        transaction.atomic(),
    ):
        publish(ThingTraced(thing_id=thing_id))

    wait_until(
        lambda: Sighting.objects.filter(thing_id=thing_id).exists(), timeout=30, what="the handler"
    )
    # The worker has the API but no SDK: the handler's current span is the context it received,
    # which an SDK there would have made the parent of its consumer span.
    sighting = Sighting.objects.get(thing_id=thing_id)
    context = publishing.get_span_context()
    assert (sighting.trace_id, sighting.span_id) == (
        f"{context.trace_id:032x}",
        f"{context.span_id:016x}",
    )
    assert sighting.traceparent.split("-")[1:3] == [sighting.trace_id, sighting.span_id]
