"""The due-retry scanner: re-sends inbox rows whose retry time has come.

A failed delivery leaves its inbox row RETRYING with `next_attempt_at` (modulith.events.delivery).
This scanner, run by the relay, claims due rows with SELECT … FOR UPDATE SKIP LOCKED, pushes their
`next_attempt_at` by the claim lease (so a second scanner leaves them alone, and a crash only
delays them), then hands each envelope to the subscriber's transport again: delivered here for
an in-process context, sent to its queue for a Celery one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from modulith.events.bookkeeping import bookkeeping
from modulith.events.dispatch import sending
from modulith.events.envelope import Envelope
from modulith.events.subscriptions import UnknownSubscriptionError, get_subscription
from modulith.models import InboxMessage, InboxStatus
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)


def resend_due_retries(
    alias: str,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Re-send the retries due at `now` on `alias` (only `ids`, if given). Returns how many."""
    claimed = claim_due(alias, now=now or timezone.now(), limit=limit, ids=ids)
    resent = 0
    try:
        with sending() as sender:
            for name, envelope in claimed:
                try:
                    subscription = get_subscription(name)
                except UnknownSubscriptionError:
                    logger.error("inbox row for unknown subscription %s: left for later", name)
                    continue
                sender.send(subscription, envelope)
                resent += 1
    except Exception:
        # The transport is down; the rows keep their lease as a backoff and come back later.
        logger.warning("re-sending retries on %s stopped after %d", alias, resent, exc_info=True)
    return resent


def claim_due(
    alias: str, *, now: datetime, limit: int | None = None, ids: Iterable[int] | None = None
) -> list[tuple[str, Envelope]]:
    with bookkeeping(alias):
        due = InboxMessage.objects.using(alias).filter(
            status=InboxStatus.RETRYING, next_attempt_at__lte=now
        )
        if ids is not None:
            due = due.filter(id__in=list(ids))
        claimed = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("id", "subscription", "envelope")[
                : limit or kernel_settings().relay_batch_size
            ]
        )
        if claimed:
            InboxMessage.objects.using(alias).filter(id__in=[row[0] for row in claimed]).update(
                # Leased from the real clock: `now` may be a test's far future.
                next_attempt_at=timezone.now() + kernel_settings().claim_lease
            )
    return [(name, envelope) for _, name, envelope in claimed]
