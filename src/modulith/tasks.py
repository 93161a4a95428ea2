"""The kernel's Celery tasks: the entry points workers and beat run. Nothing imports this module
but modulith.apps, which loads it so the worker knows the tasks.

Every task here is thin and idempotent: the delivery task leans on the inbox, the relay on
SKIP LOCKED claims, the purge on age thresholds. Their names (DELIVER_TASK, RELAY_TASK,
PURGE_TASK) are in queued messages and beat's schedule: they stay the same wherever code moves.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from modulith.events.delivery import deliver
from modulith.events.recovery.relay import relay_once
from modulith.events.recovery.retention import purge_everywhere
from modulith.events.subscriptions import get_subscription
from modulith.events.transports.celery import DELIVER_TASK
from modulith.ops.db_health import vouch_for_quiet_connections
from modulith.ops.schedule import PURGE_TASK, RELAY_TASK


@shared_task(name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_task(subscription_name: str, envelope: dict[str, Any]) -> str:
    """Run one subscription for one envelope. The inbox makes redelivery harmless.

    A handler failure is not a task failure: delivery records it in the inbox and the relay
    re-sends the envelope when its retry is due, so the broker never holds long countdowns.
    """
    return deliver(get_subscription(subscription_name), envelope).value


@task_prerun.connect
@task_postrun.connect
def keep_usable_connections(*, task: Any = None, **_: Any) -> None:
    """Around every task, what Django does around every request: keep each database connection
    unless it broke or outlived CONN_MAX_AGE, and health-check it (CONN_HEALTH_CHECKS) before
    its first use in the task, so a connection the server dropped between two tasks is replaced
    instead of failing the next delivery. The check looks at the idle connection's socket first
    (modulith.ops.db_health); Django's SELECT 1 runs only when the socket has something to say.

    Celery's Django fixup would close every connection around every task instead (a new
    connection per delivery); CELERY_DB_REUSE_MAX (config/settings/celery.py) turns that off.
    An eager task runs inside its caller's request and transaction, which own the connection.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()
    vouch_for_quiet_connections()


@shared_task(name=RELAY_TASK, ignore_result=True)
def relay_task() -> dict[str, int]:
    """Dispatch pending outbox rows and re-send due retries on every database, once."""
    return relay_once().as_dict()


@shared_task(name=PURGE_TASK, ignore_result=True)
def purge_task() -> dict[str, int]:
    """Delete dispatched outbox rows and processed inbox rows past their retention."""
    return purge_everywhere().as_dict()
