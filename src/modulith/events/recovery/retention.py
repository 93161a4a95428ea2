"""Retention: delete outbox rows long dispatched and inbox rows long processed.

Dead letters and rows still in flight are never deleted. Inbox rows must outlive every possible
redelivery of their event, or a late duplicate would run its handler again: the system check
modulith.E009 keeps INBOX_RETENTION longer than the longest redelivery window.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import Model, QuerySet
from django.utils import timezone

from modulith.contexts.registry import database_aliases
from modulith.models import InboxMessage, InboxStatus, OutboxMessage
from modulith.settings import kernel_settings

# Deleting in chunks keeps each statement (and the locks it holds) short.
CHUNK = 1000


@dataclass(frozen=True)
class Purged:
    outbox: int = 0
    inbox: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(outbox=self.outbox + other.outbox, inbox=self.inbox + other.inbox)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def purge(alias: str, *, now: datetime | None = None) -> Purged:
    now = now or timezone.now()
    config = kernel_settings()
    outbox = OutboxMessage.objects.using(alias).filter(
        dispatched_at__lt=now - config.outbox_retention
    )
    inbox = InboxMessage.objects.using(alias).filter(
        status=InboxStatus.PROCESSED, processed_at__lt=now - config.inbox_retention
    )
    return Purged(outbox=_delete_in_chunks(outbox), inbox=_delete_in_chunks(inbox))


def purge_everywhere(*, now: datetime | None = None) -> Purged:
    total = Purged()
    for alias in database_aliases():
        total += purge(alias, now=now)
    return total


def _delete_in_chunks(rows: QuerySet[Model]) -> int:
    deleted = 0
    while True:
        chunk = list(rows.values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return deleted
        count, _ = rows.model._default_manager.using(rows.db).filter(pk__in=chunk).delete()
        deleted += count
