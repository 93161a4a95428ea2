"""Dead letters: list them, and replay them through the inbox once the cause is fixed.

A replay turns the dead inbox row back into a retry that is due now, with a fresh attempt
budget, and re-sends it at once through the subscriber's transport. The inbox row keeps its
identity, so the handler's effect still happens at most once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from modulith.contexts.registry import database_aliases
from modulith.events.recovery.retries import resend_due_retries
from modulith.models import InboxMessage, InboxStatus


@dataclass(frozen=True)
class DeadLetter:
    database: str
    id: int
    subscription: str
    event_type: str
    event_id: str
    attempts: int
    last_error: str
    received_at: datetime


class NothingToReplayError(ValueError):
    """replay_dead_letters() needs ids, a subscription, or everything=True."""


def _dead(
    alias: str, *, ids: Iterable[int] | None, subscription: str | None
) -> QuerySet[InboxMessage]:
    rows = InboxMessage.objects.using(alias).filter(status=InboxStatus.DEAD)
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    if subscription is not None:
        rows = rows.filter(subscription=subscription)
    return rows


def dead_letters(
    *,
    ids: Iterable[int] | None = None,
    subscription: str | None = None,
    databases: Iterable[str] | None = None,
) -> list[DeadLetter]:
    """The dead letters on `databases` (all by default), oldest first, optionally only these
    inbox row ids or this subscription's."""
    id_list = None if ids is None else list(ids)
    letters: list[DeadLetter] = []
    for alias in databases or database_aliases():
        for row in _dead(alias, ids=id_list, subscription=subscription).order_by("received_at"):
            letters.append(
                DeadLetter(
                    database=alias,
                    id=row.id,
                    subscription=row.subscription,
                    event_type=row.event_type,
                    event_id=str(row.event_id),
                    attempts=row.attempts,
                    last_error=row.last_error,
                    received_at=row.received_at,
                )
            )
    return letters


def replay_dead_letters(
    *,
    ids: Iterable[int] | None = None,
    subscription: str | None = None,
    everything: bool = False,
    databases: Iterable[str] | None = None,
) -> int:
    """Replay the chosen dead letters; returns how many were handed to a transport again."""
    if ids is None and subscription is None and not everything:
        raise NothingToReplayError("Choose dead letters by id, by subscription, or all of them.")
    id_list = None if ids is None else list(ids)
    replayed = 0
    for alias in databases or database_aliases():
        now = timezone.now()
        with transaction.atomic(using=alias):
            chosen = list(
                _dead(alias, ids=id_list, subscription=subscription)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
            InboxMessage.objects.using(alias).filter(id__in=chosen).update(
                status=InboxStatus.RETRYING,
                attempts=0,
                next_attempt_at=now,
                replay_count=F("replay_count") + 1,
            )
        if chosen:
            replayed += resend_due_retries(alias, now=now, ids=chosen, limit=len(chosen))
    return replayed
