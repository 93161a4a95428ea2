"""The Celery side of the kernel: the generic delivery task and the periodic kernel jobs.

Every task here is thin and idempotent: the delivery task leans on the inbox, the relay on
SKIP LOCKED claims, the purge on age thresholds.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app, shared_task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections
from kombu.common import maybe_declare
from kombu.utils.json import dumps

from modulith.events.envelope import Envelope
from modulith.events.subscriptions import Subscription, get_subscription
from modulith.ops.schedule import PURGE_TASK, RELAY_TASK

DELIVER_TASK = "modulith.deliver"


@shared_task(name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_task(subscription_name: str, envelope: dict[str, Any]) -> str:
    """Run one subscription for one envelope. The inbox makes redelivery harmless.

    A handler failure is not a task failure: delivery records it in the inbox and the relay
    re-sends the envelope when its retry is due, so the broker never holds long countdowns.
    """
    from modulith.events.delivery import deliver

    return deliver(get_subscription(subscription_name), envelope).value


def enqueue_delivery(subscription: Subscription, envelope: Envelope, *, producer: Any) -> None:
    """Send to the subscriber's queue. Raises if the broker is unreachable (no silent loss).

    The message is the one `deliver_task.apply_async(args=(subscription.name, envelope),
    queue=…)` would send (Celery's task protocol 2), written here: apply_async spends more
    CPU than the publish itself on what a delivery never uses (a bounded repr of the envelope
    for the headers, routing, signals, option merging), and the relay and every handler run
    send many of these (docs/performance.md). Like Celery, it publishes to the default exchange
    with the queue's name as routing key, and declares the queue (with its exchange and
    binding) once per broker connection, so a message sent before any worker started waits in
    its queue.
    """
    queue = subscription.context.queue
    app = current_app._get_current_object()
    entity, time_limits = _routing(app, queue)
    if hash(entity) not in producer.connection.declared_entities:
        maybe_declare(entity, producer.channel)
    task_id = str(uuid.uuid4())
    producer.publish(
        dumps(((subscription.name, envelope), {}, _NO_CANVAS)),
        exchange="",
        routing_key=queue,
        retry=False,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,
        priority=None,
        headers=_headers(task_id, subscription, envelope, time_limits),
        correlation_id=task_id,
        reply_to=app.thread_oid,
    )


# A delivery is never part of a chain, chord or group, and has no callbacks.
_NO_CANVAS = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}


@functools.cache
def _routing(app: Any, queue: str) -> tuple[Any, list[int | None]]:
    """The queue's kombu entity and the configured time limits, read once per app and queue:
    looking them up in Celery's configuration costs more than encoding the message."""
    return app.amqp.queues[queue], [app.conf.task_time_limit, app.conf.task_soft_time_limit]


def _headers(
    task_id: str, subscription: Subscription, envelope: Envelope, time_limits: list[int | None]
) -> dict[str, Any]:
    """The protocol 2 headers Celery's as_task_v2 writes for a delivery, less those it leaves
    empty (shadow, eta, expires, group, group index, parent, stamps), which a worker reads as
    absent anyway: on RabbitMQ every header is encoded in Python, item by item, for every
    message. The argument repr (what the worker's logs and monitors show) names the event
    instead of repeating the whole envelope."""
    return {
        "lang": "py",
        "task": DELIVER_TASK,
        "id": task_id,
        "retries": 0,
        "timelimit": time_limits,
        "root_id": task_id,
        "argsrepr": f"({subscription.name!r}, <{envelope['type']} {envelope['id']}>)",
        "kwargsrepr": "{}",
        "origin": f"gen{os.getpid()}@{_HOST}",
        "ignore_result": True,
        "replaced_task_nesting": 0,
    }


_HOST = socket.gethostname()


@contextmanager
def producer_for_batch() -> Iterator[Any]:
    """One producer (and its connection) from Celery's pool, to send a whole batch with.

    It connects with a single attempt: kombu would otherwise retry for the connect timeout
    twice over, holding the publisher's request for seconds while the broker is down, when
    the relay is there to send the event later anyway.
    """
    with current_app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=0)
        yield producer


@task_prerun.connect
@task_postrun.connect
def keep_usable_connections(*, task: Any = None, **_: Any) -> None:
    """Around every task, what Django does around every request: keep each database connection
    unless it broke or outlived CONN_MAX_AGE, and health-check it (CONN_HEALTH_CHECKS) before
    its first use in the task, so a connection the server dropped between two tasks is replaced
    instead of failing the next delivery.

    Celery's Django fixup would close every connection around every task instead (a new
    connection per delivery); CELERY_DB_REUSE_MAX (config/settings/celery.py) turns that off.
    An eager task runs inside its caller's request and transaction, which own the connection.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()


@shared_task(name=RELAY_TASK, ignore_result=True)
def relay_task() -> dict[str, int]:
    """Dispatch pending outbox rows and re-send due retries on every database, once."""
    from modulith.events.recovery.relay import relay_once

    return relay_once().as_dict()


@shared_task(name=PURGE_TASK, ignore_result=True)
def purge_task() -> dict[str, int]:
    """Delete dispatched outbox rows and processed inbox rows past their retention."""
    from modulith.events.recovery.retention import purge_everywhere

    return purge_everywhere().as_dict()
