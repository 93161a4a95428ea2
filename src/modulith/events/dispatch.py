"""Dispatch: hand committed outbox rows to their subscriptions' transports.

Two paths lead here. Right after the publisher commits, modulith.events.aftercommit sends the
transaction's new events (their rows are still reserved for this process by their
`available_at` grace). Whatever that path missed (broker down, process died) is found later by
`relay_outbox`, which claims rows with SELECT … FOR UPDATE SKIP LOCKED (SQLite's IMMEDIATE
transactions serialise claimers instead) and pushes their `available_at` by a lease, so several
relays never claim the same row.

Sending is at-least-once: a row is marked dispatched only after every subscription got it, and a
duplicate that slips through (a relay taking over after a lease expired) is absorbed by the
subscriber's inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from modulith.contexts.registry import CELERY, INPROCESS
from modulith.events import statements
from modulith.events.delivery import deliver, retry_delay
from modulith.events.envelope import Envelope
from modulith.events.marks import pending_marks
from modulith.events.subscriptions import Subscription, subscriptions_for
from modulith.models import OutboxMessage
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)


class TransportNotConfiguredError(RuntimeError):
    pass


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


class Sender:
    """Sends envelopes to subscriptions through their contexts' transports.

    It borrows one broker producer (one connection) for everything it sends, so a relay batch
    costs one connection checkout instead of one per message. A batched sender (the relay's)
    also hands its broker messages to the transport in batches (kombu's Producer.batch: one
    pipelined round trip on Redis instead of one per message; AMQP publishes at once anyway):
    a message is only known to be at the broker once `flush()` returned.
    """

    def __init__(self, *, batched: bool = False) -> None:
        self._batched = batched
        self._producer: Any = None
        self._batch: Any = None
        self._resources = ExitStack()

    def send(self, subscription: Subscription, envelope: Envelope) -> None:
        transport = subscription.context.transport
        if transport == INPROCESS:
            deliver(subscription, envelope)
        elif transport == CELERY:
            from modulith.tasks import enqueue_delivery

            enqueue_delivery(subscription, envelope, producer=self._celery_producer())
        else:
            raise TransportNotConfiguredError(
                f"Unknown transport {transport!r} for context {subscription.context_label}: "
                f"set it to one of {INPROCESS!r} or {CELERY!r}."
            )

    def fan_out(self, envelope: Envelope) -> None:
        for subscription in subscriptions_for(envelope["type"]):
            self.send(subscription, envelope)

    def flush(self) -> None:
        """Hand every batched message to the broker; raises if the broker refused them."""
        if self._batch is not None:
            self._batch.flush()

    def _celery_producer(self) -> Any:
        if self._producer is None:
            from modulith.tasks import producer_for_batch

            self._producer = self._resources.enter_context(producer_for_batch())
            if self._batched:
                # Entered and left by hand: leaving it without an error would flush it.
                self._batch = self._producer.batch()
                self._batch.__enter__()
        return self._producer

    def close(self) -> None:
        """Give the producer back; messages still batched are dropped, never half-sent."""
        if self._batch is not None:
            self._batch.__exit__(RuntimeError, RuntimeError("sender closed"), None)
        self._producer = self._batch = None
        self._resources.close()


@contextmanager
def sending(*, batched: bool = False) -> Iterator[Sender]:
    sender = Sender(batched=batched)
    try:
        yield sender
    finally:
        sender.close()


def relay_outbox(alias: str, *, limit: int | None = None, respect_availability: bool = True) -> int:
    """Claim up to `limit` pending rows on `alias`, send them, mark them dispatched.

    Returns how many rows were dispatched. On a transport failure it stops at once (the broker
    is likely down: no point timing out on every row) and gives the unsent rows back with a
    backoff. `respect_availability=False` (the test kit's drain) also takes rows still reserved
    for the publishing process or another relay.
    """
    # Rows this process sent but has not marked yet are not the relay's to send again.
    pending_marks.flush(alias)
    claimed = claim_pending(
        alias, limit=limit or kernel_settings().relay_batch_size, anyway=not respect_availability
    )
    if not claimed:
        return 0
    sent: list[str] = []
    failure: Exception | None = None
    try:
        with sending(batched=True) as sender:
            for _, envelope in claimed:
                sender.fan_out(envelope)
            # Batched: nothing is known to be at the broker before this returns.
            sender.flush()
        sent = [event_id for event_id, _ in claimed]
    except Exception as error:
        failure = error
        logger.warning(
            "relay on %s failed to send a batch of %d event(s): %s",
            alias,
            len(claimed),
            error,
            exc_info=True,
        )
    _mark_dispatched(alias, sent)
    if failure is not None:
        _release(alias, [event_id for event_id, _ in claimed], failure)
    return len(sent)


def claim_pending(alias: str, *, limit: int, anyway: bool = False) -> list[tuple[str, Envelope]]:
    """Reserve up to `limit` claimable rows for this process for the claim lease."""
    now = timezone.now()
    with bookkeeping(alias):
        pending = OutboxMessage.objects.using(alias).filter(dispatched_at__isnull=True)
        if not anyway:
            pending = pending.filter(available_at__lte=now)
        claimed = list(
            pending.select_for_update(skip_locked=True)
            .order_by("available_at")
            .values_list("id", "envelope")[:limit]
        )
        if claimed:
            OutboxMessage.objects.using(alias).filter(
                id__in=[event_id for event_id, _ in claimed]
            ).update(available_at=now + kernel_settings().claim_lease)
    return [(str(event_id), envelope) for event_id, envelope in claimed]


def _mark_dispatched(alias: str, event_ids: list[str]) -> None:
    if not event_ids:
        return
    with bookkeeping(alias):
        statements.mark_dispatched(using=alias, event_ids=event_ids, at=timezone.now())


def mark_dispatched_safely(alias: str, event_ids: list[str]) -> None:
    try:
        _mark_dispatched(alias, event_ids)
    except Exception:
        # The subscribers have them; at worst the relay sends them again and inboxes dedupe.
        logger.exception("could not mark %s dispatched on %s", event_ids, alias)


def _release(alias: str, event_ids: list[str], error: Exception) -> None:
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
        _release(alias, event_ids, error)
    except Exception:
        # Nothing is lost: the row stays pending and becomes claimable when its grace ends.
        logger.exception("could not record the failed dispatch of %s", event_ids)
