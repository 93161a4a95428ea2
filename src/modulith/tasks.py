"""The Celery side of the celery transport: one generic, thin, idempotent delivery task."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from modulith.envelope import Envelope
from modulith.subscriptions import Subscription, get_subscription

DELIVER_TASK = "modulith.deliver"


@shared_task(name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_task(subscription_name: str, envelope: dict[str, Any]) -> str:
    """Run one subscription for one envelope. The inbox makes redelivery harmless."""
    from modulith.delivery import deliver

    return deliver(get_subscription(subscription_name), envelope).value


def enqueue_delivery(subscription: Subscription, envelope: Envelope) -> None:
    """Send to the subscriber's queue. Raises if the broker is unreachable (no silent loss)."""
    deliver_task.apply_async(
        args=(subscription.name, envelope),
        queue=subscription.context.queue,
        retry=False,
    )
