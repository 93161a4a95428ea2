"""Delivery: run one subscription's handler for one envelope, exactly once per database.

The handler runs in a transaction on the subscriber's database together with the inbox row
keyed by (subscription, event id). A redelivered envelope finds that row processed and is
acknowledged without running the handler again.
"""

from __future__ import annotations

import enum
import logging
import random
import traceback
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from modulith.contexts import modulith_setting
from modulith.envelope import Envelope, handling
from modulith.events import spec_for_type
from modulith.models import InboxMessage, InboxStatus
from modulith.subscriptions import Subscription

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: the delivery goes straight to dead letter."""


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    RETRYING = "retrying"
    DEAD = "dead"


def deliver(subscription: Subscription, envelope: Envelope) -> Outcome:
    """Deliver once. Never raises for a handler failure: it records a retry or a dead letter."""
    alias = subscription.context.database_alias
    try:
        with transaction.atomic(using=alias):
            inbox = _lock_inbox_row(alias, subscription, envelope)
            if inbox.status == InboxStatus.PROCESSED:
                return Outcome.DUPLICATE
            event = spec_for_type(envelope["type"]).decode(envelope["data"])
            with handling(envelope):
                subscription.handler(event)
            inbox.status = InboxStatus.PROCESSED
            inbox.attempts += 1
            inbox.processed_at = timezone.now()
            inbox.next_attempt_at = None
            inbox.save(using=alias)
        return Outcome.PROCESSED
    except Exception as error:  # noqa: BLE001 - a handler's failure is recorded, never propagated
        return _record_failure(alias, subscription, envelope, error)


def _lock_inbox_row(alias: str, subscription: Subscription, envelope: Envelope) -> InboxMessage:
    rows = InboxMessage.objects.using(alias).select_for_update()
    key = {"subscription": subscription.name, "event_id": envelope["id"]}
    inbox = rows.filter(**key).first()
    if inbox is not None:
        return inbox
    try:
        with transaction.atomic(using=alias):
            return InboxMessage.objects.using(alias).create(
                **key, event_type=envelope["type"], envelope=envelope
            )
    except IntegrityError:
        # A concurrent delivery inserted it first; wait for its outcome.
        return rows.get(**key)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    base = float(modulith_setting("RETRY_BASE_DELAY", 1.0))  # type: ignore[arg-type]
    cap = float(modulith_setting("RETRY_MAX_DELAY", 300.0))  # type: ignore[arg-type]
    ceiling = min(cap, base * (2 ** max(attempts - 1, 0)))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _record_failure(
    alias: str, subscription: Subscription, envelope: Envelope, error: Exception
) -> Outcome:
    max_attempts = int(modulith_setting("RETRY_MAX_ATTEMPTS", 8))  # type: ignore[arg-type]
    with transaction.atomic(using=alias):
        inbox = _lock_inbox_row(alias, subscription, envelope)
        if inbox.status == InboxStatus.PROCESSED:
            return Outcome.DUPLICATE
        inbox.attempts += 1
        inbox.last_error = f"{type(error).__name__}: {error}"
        inbox.traceback = "".join(traceback.format_exception(error))
        if isinstance(error, PermanentError) or inbox.attempts >= max_attempts:
            inbox.status = InboxStatus.DEAD
            inbox.next_attempt_at = None
            outcome = Outcome.DEAD
            logger.error(
                "dead letter: %s for %s %s after %d attempt(s): %s",
                subscription.name, envelope["type"], envelope["id"], inbox.attempts, error,
            )
        else:
            inbox.status = InboxStatus.RETRYING
            inbox.next_attempt_at = timezone.now() + retry_delay(inbox.attempts)
            outcome = Outcome.RETRYING
            logger.warning(
                "handler %s failed on %s %s (attempt %d), retrying at %s: %s",
                subscription.name, envelope["type"], envelope["id"], inbox.attempts,
                inbox.next_attempt_at.isoformat(), error,
            )
        inbox.save(using=alias)
    return outcome
