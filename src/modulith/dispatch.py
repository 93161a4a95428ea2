"""Dispatch: fan committed outbox rows out to their subscriptions' transports.

A row is marked dispatched in the same transaction that claimed it (SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL; SQLite's IMMEDIATE transactions serialise claimers), so concurrent
dispatchers never send the same row twice. If sending fails the claim rolls back and the row
stays pending for the relay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from modulith.contexts import CELERY, INPROCESS
from modulith.delivery import deliver
from modulith.envelope import Envelope
from modulith.models import OutboxMessage
from modulith.subscriptions import Subscription, subscriptions_for

logger = logging.getLogger(__name__)


class TransportNotConfiguredError(RuntimeError):
    pass


def send(subscription: Subscription, envelope: Envelope) -> None:
    """Hand one envelope to one subscription through its context's transport."""
    transport = subscription.context.transport
    if transport == INPROCESS:
        deliver(subscription, envelope)
    elif transport == CELERY:
        from modulith.tasks import enqueue_delivery

        enqueue_delivery(subscription, envelope)
    else:
        raise TransportNotConfiguredError(
            f"Unknown transport {transport!r} for context {subscription.context_label}."
        )


def fan_out(envelope: Envelope) -> None:
    for subscription in subscriptions_for(envelope["type"]):
        send(subscription, envelope)


def dispatch_pending(alias: str, *, ids: Iterable[str] | None = None, limit: int = 100) -> int:
    """Claim up to `limit` pending rows on `alias`, fan them out, mark them dispatched."""
    with transaction.atomic(using=alias):
        pending = (
            OutboxMessage.objects.using(alias)
            .select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("created_at")
        )
        if ids is not None:
            pending = pending.filter(id__in=list(ids))
        rows = list(pending[:limit])
        for row in rows:
            fan_out(row.envelope)
        if rows:
            OutboxMessage.objects.using(alias).filter(id__in=[row.id for row in rows]).update(
                dispatched_at=timezone.now()
            )
    return len(rows)


def dispatch_after_commit(alias: str, ids: list[str]) -> None:
    """Runs right after the publisher commits. Never fails the publisher's request."""
    try:
        dispatch_pending(alias, ids=ids)
    except Exception:
        logger.warning(
            "dispatch after commit failed on %s; the relay will retry %s", alias, ids, exc_info=True
        )
        _count_failed_attempt(alias, ids)


def _count_failed_attempt(alias: str, ids: list[str]) -> None:
    try:
        with transaction.atomic(using=alias):
            for row in OutboxMessage.objects.using(alias).filter(id__in=ids):
                row.dispatch_attempts += 1
                row.save(update_fields=["dispatch_attempts"], using=alias)
    except Exception:
        logger.exception("could not record the failed dispatch of %s", ids)
