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
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from modulith.envelope import Envelope, handling
from modulith.events import spec_for_type
from modulith.models import InboxMessage, InboxStatus
from modulith.settings import kernel_settings
from modulith.subscriptions import Subscription

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: the delivery goes straight to dead letter."""


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # already processed: acknowledged without running the handler
    RETRYING = "retrying"
    DEAD = "dead"  # dead-lettered now, or earlier (then the handler did not run)


class _AlreadyReceived(Exception):
    """The inbox already holds a row for this delivery: take the slow path."""


def deliver(
    subscription: Subscription,
    envelope: Envelope,
    *,
    on_success: Callable[[], None] | None = None,
) -> Outcome:
    """Deliver once. Never raises for a handler failure: it records a retry or a dead letter.

    `on_success` runs inside the delivery's transaction once the handler succeeded (dispatch
    uses it to mark the outbox row in the same commit); it does not run for any other outcome.
    """
    alias = subscription.context.database_alias
    try:
        try:
            return _deliver_first_time(alias, subscription, envelope, on_success)
        except _AlreadyReceived:
            return _deliver_again(alias, subscription, envelope, on_success)
    except Exception as error:  # noqa: BLE001 - a handler's failure is recorded, never propagated
        return _record_failure(alias, subscription, envelope, error)


def _deliver_first_time(
    alias: str,
    subscription: Subscription,
    envelope: Envelope,
    on_success: Callable[[], None] | None,
) -> Outcome:
    """The common case in three statements: insert the inbox row as processed, run the handler,
    commit. A concurrent delivery of the same envelope blocks on the unique key until this
    transaction ends, then takes the slow path and finds the row processed (or, after a
    rollback, inserts it itself). A handler failure rolls the row back with the effects."""
    with transaction.atomic(using=alias):
        try:
            InboxMessage.objects.using(alias).create(
                subscription=subscription.name,
                event_id=envelope["id"],
                event_type=envelope["type"],
                envelope=envelope,
                status=InboxStatus.PROCESSED,
                attempts=1,
                processed_at=timezone.now(),
            )
        except IntegrityError:
            # No savepoint needed: leaving the block with an exception rolls back everything,
            # and the insert was its first statement.
            raise _AlreadyReceived from None
        _run_handler(subscription, envelope)
        if on_success is not None:
            on_success()
    return Outcome.PROCESSED


def _deliver_again(
    alias: str,
    subscription: Subscription,
    envelope: Envelope,
    on_success: Callable[[], None] | None,
) -> Outcome:
    """A row exists: a duplicate, a retry, or a dead letter that was not replayed."""
    with transaction.atomic(using=alias):
        inbox = _lock_inbox_row(alias, subscription, envelope)
        if inbox.status == InboxStatus.PROCESSED:
            return Outcome.DUPLICATE
        if inbox.status == InboxStatus.DEAD:
            # Only an operator's replay (which turns it back into a retry) runs it again.
            return Outcome.DEAD
        _run_handler(subscription, envelope)
        inbox.status = InboxStatus.PROCESSED
        inbox.attempts += 1
        inbox.processed_at = timezone.now()
        inbox.next_attempt_at = None
        inbox.save(using=alias)
        if on_success is not None:
            on_success()
    return Outcome.PROCESSED


def _run_handler(subscription: Subscription, envelope: Envelope) -> None:
    event = spec_for_type(envelope["type"]).decode(envelope["data"])
    with handling(envelope):
        subscription.handler(event)


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
    """Exponential backoff with jitter, capped: attempt n waits between half and all of
    min(cap, base * 2^(n-1)), so the delays grow while retries of many events spread out."""
    config = kernel_settings()
    ceiling = min(config.retry_max_delay, config.retry_base_delay * (2 ** max(attempts - 1, 0)))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _record_failure(
    alias: str, subscription: Subscription, envelope: Envelope, error: Exception
) -> Outcome:
    max_attempts = kernel_settings().retry_max_attempts
    with transaction.atomic(using=alias):
        inbox = _lock_inbox_row(alias, subscription, envelope)
        if inbox.status in (InboxStatus.PROCESSED, InboxStatus.DEAD):
            # A concurrent delivery settled it meanwhile: its outcome stands.
            return Outcome.DUPLICATE if inbox.status == InboxStatus.PROCESSED else Outcome.DEAD
        inbox.attempts += 1
        inbox.last_error = f"{type(error).__name__}: {error}"
        inbox.traceback = "".join(traceback.format_exception(error))
        if isinstance(error, PermanentError) or inbox.attempts >= max_attempts:
            inbox.status = InboxStatus.DEAD
            inbox.next_attempt_at = None
            outcome = Outcome.DEAD
            logger.error(
                "dead letter: %s for %s %s after %d attempt(s): %s",
                subscription.name,
                envelope["type"],
                envelope["id"],
                inbox.attempts,
                error,
            )
        else:
            inbox.status = InboxStatus.RETRYING
            inbox.next_attempt_at = timezone.now() + retry_delay(inbox.attempts)
            outcome = Outcome.RETRYING
            logger.warning(
                "handler %s failed on %s %s (attempt %d), retrying at %s: %s",
                subscription.name,
                envelope["type"],
                envelope["id"],
                inbox.attempts,
                inbox.next_attempt_at.isoformat(),
                error,
            )
        inbox.save(using=alias)
    return outcome
