"""Delivery: run one subscription's handler for one envelope, exactly once per database.

The handler runs in a transaction on the subscriber's database together with the inbox row
keyed by (subscription, event id). A redelivered envelope finds that row processed and is
acknowledged without running the handler again. Each delivery is a consumer span when tracing
is on (modulith.ops.tracing).
"""

from __future__ import annotations

import enum
import logging
import traceback
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from modulith.contexts.transactions import joinable_by_handler
from modulith.events import statements
from modulith.events.declaration import spec_for_type
from modulith.events.envelope import Envelope, handling
from modulith.events.retry_policy import retry_delay
from modulith.events.subscriptions import Subscription
from modulith.models import InboxMessage, InboxStatus
from modulith.ops import tracing
from modulith.ops.logs import log_context
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: the delivery goes straight to dead letter."""


class HandlerLeftTransactionBroken(RuntimeError):
    """The handler returned, but something it caught left its transaction unable to commit."""


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # already processed: acknowledged without running the handler
    RETRYING = "retrying"
    DEAD = "dead"  # dead-lettered now, or earlier (then the handler did not run)


def deliver(
    subscription: Subscription,
    envelope: Envelope,
    *,
    mark_dispatched: Sequence[str] = (),
) -> Outcome:
    """Deliver once. Never raises for a handler failure: it records a retry or a dead letter.

    `mark_dispatched`: outbox rows on the subscriber's database that this delivery's commit
    also marks dispatched (modulith.events.aftercommit hands them to the last delivery after a
    commit). They stay pending if the handler fails; the caller marks them then.
    """
    alias = subscription.context.database_alias
    with (
        tracing.consumer_span(subscription.name, envelope) as span,
        log_context(subscription=subscription.name, envelope=envelope),
    ):
        try:
            outcome = _deliver(alias, subscription, envelope, mark_dispatched)
        except Exception as error:  # noqa: BLE001 - a handler's failure is recorded, not raised
            outcome = _record_failure(alias, subscription, envelope, error)
            tracing.record_outcome(span, outcome.value, error)
            return outcome
        tracing.record_outcome(span, outcome.value)
        return outcome


def _deliver(
    alias: str, subscription: Subscription, envelope: Envelope, mark_dispatched: Sequence[str]
) -> Outcome:
    """One statement records the inbox row as processed (and the outbox mark), then the handler
    runs, then the commit: a handler failure rolls all of it back with the handler's effects.
    A redelivery finds the row settled and is acknowledged without running the handler."""
    with transaction.atomic(using=alias):
        if not statements.receive(
            using=alias,
            subscription=subscription.name,
            envelope=envelope,
            at=timezone.now(),
            mark_dispatched=mark_dispatched,
        ):
            status = (
                InboxMessage.objects.using(alias)
                .filter(subscription=subscription.name, event_id=envelope["id"])
                .values_list("status", flat=True)
                .get()
            )
            return Outcome.DEAD if status == InboxStatus.DEAD else Outcome.DUPLICATE
        with joinable_by_handler(alias):
            run_handler(subscription, envelope)
        if transaction.get_connection(alias).needs_rollback:
            # The handler swallowed an error of a use case that had joined this transaction.
            raise HandlerLeftTransactionBroken(
                f"{subscription.name} caught an error raised inside its transaction and went on"
            )
    return Outcome.PROCESSED


def run_handler(subscription: Subscription, envelope: Envelope) -> None:
    """Decode the event and run the handler, the envelope being the cause of what it publishes."""
    event = spec_for_type(envelope["type"]).decode(envelope["data"])
    with handling(envelope):
        subscription.handler(event)


def _lock_inbox_row(alias: str, subscription: Subscription, envelope: Envelope) -> InboxMessage:
    """The delivery's inbox row, locked; inserted as pending if there is none yet."""
    key = {"subscription": subscription.name, "event_id": envelope["id"]}
    # ON CONFLICT DO NOTHING: if a concurrent delivery holds an uncommitted row, this waits for
    # its outcome instead of failing, so no savepoint is needed around it.
    InboxMessage.objects.using(alias).bulk_create(
        [InboxMessage(**key, event_type=envelope["type"], envelope=envelope)],
        ignore_conflicts=True,
    )
    return InboxMessage.objects.using(alias).select_for_update().get(**key)


# The attempt history keeps this many failures per inbox row: enough to see a pattern (the same
# error each time, or a different one after a replay) without letting a row grow for ever.
FAILURE_HISTORY = 20


def _with_failure(inbox: InboxMessage) -> list[dict[str, object]]:
    """The row's failure history with the attempt that just failed appended."""
    failure = {
        "at": timezone.now().isoformat(),
        "attempt": inbox.attempts,
        "replay": inbox.replay_count,
        "error": inbox.last_error,
    }
    return [*(inbox.failures or []), failure][-FAILURE_HISTORY:]


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
        inbox.failures = _with_failure(inbox)
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
