"""The Celery transport: a delivery task message on the subscriber's queue.

A worker consuming `ctx.<context>` runs it (modulith.tasks.deliver_task, named DELIVER_TASK).
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from celery import current_app
from kombu.common import maybe_declare
from kombu.utils.json import dumps

from modulith.contexts.registry import CELERY
from modulith.events.envelope import Envelope
from modulith.events.subscriptions import Subscription
from modulith.events.transports.registry import register_transport

# The delivery task's name, as queued messages carry it: it stays the same wherever code moves.
DELIVER_TASK = "modulith.deliver"


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
    # The app behind the proxy: _routing caches per app, and a proxy would hash differently.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
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


class CeleryChannel:
    """One producer (one broker connection) borrowed for a round of sends. A batched channel
    (the relay's) hands its messages to the broker in batches (kombu's Producer.batch: one
    pipelined round trip on Redis instead of one per message; AMQP publishes at once anyway):
    a message is only known to be at the broker once `flush()` returned."""

    def __init__(self, *, batched: bool) -> None:
        self._batched = batched
        self._producer: Any = None
        self._batch: Any = None
        self._resources = ExitStack()

    def send(self, subscription: Subscription, envelope: Envelope) -> None:
        enqueue_delivery(subscription, envelope, producer=self._borrowed_producer())

    def flush(self) -> None:
        if self._batch is not None:
            self._batch.flush()

    def close(self) -> None:
        if self._batch is not None:
            self._batch.__exit__(RuntimeError, RuntimeError("sender closed"), None)
        self._producer = self._batch = None
        self._resources.close()

    def _borrowed_producer(self) -> Any:
        if self._producer is None:
            self._producer = self._resources.enter_context(producer_for_batch())
            if self._batched:
                # Entered and left by hand: leaving it without an error would flush it.
                self._batch = self._producer.batch()
                self._batch.__enter__()
        return self._producer


register_transport(CELERY, CeleryChannel)
