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
from contextlib import contextmanager

from django.utils import timezone

from modulith.events.bookkeeping import bookkeeping, mark_dispatched, release
from modulith.events.envelope import Envelope
from modulith.events.marks import pending_marks
from modulith.events.subscriptions import Subscription, subscriptions_for
from modulith.events.transports.registry import Channel, open_channel
from modulith.models import OutboxMessage
from modulith.settings import kernel_settings

logger = logging.getLogger(__name__)


class Sender:
    """Sends envelopes to subscriptions through their contexts' transports.

    It opens one channel per transport it uses (modulith.events.transports) and keeps it until
    `close()`: the Celery channel borrows one broker producer (one connection) for everything
    the sender sends, so a relay batch costs one connection checkout instead of one per
    message. A batched sender (the relay's) knows its broker messages arrived only once
    `flush()` returned.
    """

    def __init__(self, *, batched: bool = False) -> None:
        self._batched = batched
        self._channels: dict[str, Channel] = {}

    def send(self, subscription: Subscription, envelope: Envelope) -> None:
        context = subscription.context
        channel = self._channels.get(context.transport)
        if channel is None:
            channel = open_channel(context.transport, context=context.label, batched=self._batched)
            self._channels[context.transport] = channel
        channel.send(subscription, envelope)

    def fan_out(self, envelope: Envelope) -> None:
        for subscription in subscriptions_for(envelope["type"]):
            self.send(subscription, envelope)

    def flush(self) -> None:
        """Hand every batched message to the broker; raises if the broker refused them."""
        for channel in self._channels.values():
            channel.flush()

    def close(self) -> None:
        """Give the channels back; messages still batched are dropped, never half-sent."""
        channels, self._channels = self._channels, {}
        for channel in channels.values():
            channel.close()


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
    mark_dispatched(alias, sent)
    if failure is not None:
        release(alias, [event_id for event_id, _ in claimed], failure)
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
