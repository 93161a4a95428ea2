"""The Celery side of the kernel: the generic delivery task and the periodic kernel jobs.

Every task here is thin and idempotent: the delivery task leans on the inbox, the relay on
SKIP LOCKED claims, the purge on age thresholds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app, shared_task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from modulith.envelope import Envelope
from modulith.subscriptions import Subscription, get_subscription

DELIVER_TASK = "modulith.deliver"
RELAY_TASK = "modulith.relay"
PURGE_TASK = "modulith.purge"


@shared_task(name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_task(subscription_name: str, envelope: dict[str, Any]) -> str:
    """Run one subscription for one envelope. The inbox makes redelivery harmless.

    A handler failure is not a task failure: delivery records it in the inbox and the relay
    re-sends the envelope when its retry is due, so the broker never holds long countdowns.
    """
    from modulith.delivery import deliver

    return deliver(get_subscription(subscription_name), envelope).value


def enqueue_delivery(
    subscription: Subscription, envelope: Envelope, *, producer: Any = None
) -> None:
    """Send to the subscriber's queue. Raises if the broker is unreachable (no silent loss)."""
    # argsrepr is what monitoring shows of the arguments (Celery's stubs lack it). Celery would
    # otherwise build it with its saferepr, walking the whole envelope: a tenth of a placement's
    # CPU for its two deliveries.
    deliver_task.apply_async(  # type: ignore[call-arg]
        args=(subscription.name, envelope),
        argsrepr=f"({subscription.name!r}, <{envelope['type']} {envelope['id']}>)",
        kwargsrepr="{}",
        queue=subscription.context.queue,
        retry=False,
        producer=producer,
    )


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
    from modulith.relay import relay_once

    return relay_once().as_dict()


@shared_task(name=PURGE_TASK, ignore_result=True)
def purge_task() -> dict[str, int]:
    """Delete dispatched outbox rows and processed inbox rows past their retention."""
    from modulith.retention import purge_everywhere

    return purge_everywhere().as_dict()
