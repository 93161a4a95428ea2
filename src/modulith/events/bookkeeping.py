"""Bookkeeping of outbox rows: marking them dispatched, and giving them back after a failed send.

These writes only steer the relays (modulith.events.recovery.relay): losing one makes a relay
send an event again, which the subscriber's inbox absorbs. So they run in `bookkeeping`
transactions, which commit without waiting for the disk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from modulith.events import statements
from modulith.events.retry_policy import retry_delay
from modulith.models import OutboxMessage

logger = logging.getLogger(__name__)


@contextmanager
def bookkeeping(alias: str) -> Iterator[None]:
    """A transaction for the kernel's own bookkeeping: claims, leases, dispatched marks.

    On PostgreSQL it commits without waiting for the WAL flush (synchronous_commit off): a
    crash may forget such a write, which only makes a relay send the event again, and the
    subscriber's inbox absorbs the duplicate. It saves one disk flush per event, the biggest
    single cost of dispatching after commit. The data itself stays consistent: PostgreSQL
    flushes the WAL in order, so nothing written later can survive while this is lost.
    """
    with transaction.atomic(using=alias):
        connection = transaction.get_connection(alias)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def mark_dispatched(alias: str, event_ids: list[str]) -> None:
    if not event_ids:
        return
    with bookkeeping(alias):
        statements.mark_dispatched(using=alias, event_ids=event_ids, at=timezone.now())


def mark_dispatched_safely(alias: str, event_ids: list[str]) -> None:
    try:
        mark_dispatched(alias, event_ids)
    except Exception:
        # The subscribers have them; at worst the relay sends them again and inboxes dedupe.
        logger.exception("could not mark %s dispatched on %s", event_ids, alias)


def release(alias: str, event_ids: list[str], error: Exception) -> None:
    """Give rows back to the relays after a failed send, with a growing delay."""
    if not event_ids:
        return
    rows = OutboxMessage.objects.using(alias).filter(id__in=event_ids)
    with bookkeeping(alias):
        attempts = max(rows.values_list("dispatch_attempts", flat=True), default=0) + 1
        delay: timedelta = retry_delay(attempts)
        rows.update(
            dispatch_attempts=F("dispatch_attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            available_at=timezone.now() + delay,
        )


def release_safely(alias: str, event_ids: list[str], error: Exception) -> None:
    try:
        release(alias, event_ids, error)
    except Exception:
        # Nothing is lost: the row stays pending and becomes claimable when its grace ends.
        logger.exception("could not record the failed dispatch of %s", event_ids)
