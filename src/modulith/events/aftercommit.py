"""Right after a commit: send the events the transaction published, all of them together.

publish() hands each envelope to `dispatch_after_commit`. Once the transaction commits, its
events go to their subscriptions' transports in publishing order, and one in-process delivery
carries the dispatched mark of all of them (docs/performance.md: the after-commit path is
bounded by round trips, and this saves a transaction per event). Whatever fails or never runs
here (broker down, process killed) stays pending and the relay sends it (modulith.events.dispatch).
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import partial

from django.db import transaction

from modulith.contexts.registry import INPROCESS
from modulith.events.bookkeeping import mark_dispatched_safely, release_safely
from modulith.events.delivery import Outcome, deliver
from modulith.events.dispatch import Sender, sending
from modulith.events.envelope import Envelope
from modulith.events.marks import pending_marks

# A delivery carries the marks of at most one statement's worth of events; more are marked after.
from modulith.events.statements import MARKS_PER_STATEMENT
from modulith.events.subscriptions import Subscription, subscriptions_for

logger = logging.getLogger(__name__)


# The attribute of a database connection that holds its open transaction's batch.
_BATCH = "_modulith_commit_batch"


def dispatch_after_commit(alias: str, envelope: Envelope) -> None:
    """Dispatch `envelope` once the transaction on `alias` commits (never if it rolls back)."""
    connection = transaction.get_connection(alias)
    batch: _CommitBatch | None = getattr(connection, _BATCH, None)
    if batch is None or not connection.run_on_commit:
        # No callback pending, so none of the batch's: this is a new transaction.
        batch = _CommitBatch(alias)
        setattr(connection, _BATCH, batch)
    index = batch.add(envelope, frozenset(connection.savepoint_ids))
    transaction.on_commit(partial(batch.dispatch_from, index), using=alias, robust=True)


class _CommitBatch:
    """The events one transaction published on one database.

    Each event gets an on_commit callback of its own: Django drops the callbacks of a savepoint
    that rolls back, so the callbacks that run are exactly those of the committed events, in
    publishing order. The first to run dispatches its event together with every later one
    published under the same savepoints or fewer: those cannot have been rolled back while its
    own were not. A later event published under a savepoint of its own (one that may have rolled
    back) is left to its own callback, which runs only if it committed.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.envelopes: list[Envelope] = []
        self.savepoints: list[frozenset[str]] = []
        self.dispatched: set[int] = set()

    def add(self, envelope: Envelope, savepoints: frozenset[str]) -> int:
        self.envelopes.append(envelope)
        self.savepoints.append(savepoints)
        return len(self.envelopes) - 1

    def dispatch_from(self, index: int) -> None:
        if index in self.dispatched:
            return
        connection = transaction.get_connection(self.alias)
        if getattr(connection, _BATCH, None) is self:
            # What handlers publish while this batch is delivered forms batches of its own.
            setattr(connection, _BATCH, None)
        committed = self.savepoints[index]
        chosen = [
            later
            for later in range(index, len(self.envelopes))
            if later not in self.dispatched and self.savepoints[later] <= committed
        ]
        self.dispatched.update(chosen)
        dispatch_committed(self.alias, [self.envelopes[later] for later in chosen])


def dispatch_committed(alias: str, envelopes: list[Envelope]) -> None:
    """Send committed events to all their subscriptions. Never raises: it runs in the
    publisher's on_commit, and a failure must not fail the publisher's request.

    One in-process delivery on the outbox's own database goes last and carries the dispatched
    mark of every event here (in the same statement as its inbox row on PostgreSQL), so marking
    usually costs no transaction of its own. The mark commits only after every other send, and
    only with that delivery: a row is never marked before all its subscriptions got it.
    """
    if not envelopes:
        return
    sends = [
        (subscription, envelope)
        for envelope in envelopes
        for subscription in subscriptions_for(envelope["type"])
    ]
    carrier = _last_delivery_here(sends, alias)
    if carrier is not None:
        sends.append(sends.pop(carrier))
    event_ids = [envelope["id"] for envelope in envelopes]
    unsent = Counter(envelope["id"] for _, envelope in sends)
    marked = False
    # Sent but not yet known to be at the broker: the sender batches broker messages (one
    # round trip for all of them on Redis) and only its flush tells they arrived.
    handed: list[str] = []

    def flushed(sender: Sender) -> None:
        sender.flush()
        for event_id in handed:
            unsent[event_id] -= 1
        handed.clear()

    try:
        with sending(batched=True) as sender:
            for position, (subscription, envelope) in enumerate(sends):
                if carrier is not None and position == len(sends) - 1:
                    # Every other send must be at the broker before the mark can commit.
                    flushed(sender)
                    carried = event_ids if len(event_ids) <= MARKS_PER_STATEMENT else []
                    outcome = deliver(subscription, envelope, mark_dispatched=carried)
                    # Only PROCESSED proves the mark committed; otherwise it is done below
                    # (where it changes nothing if it did commit).
                    marked = bool(carried) and outcome is Outcome.PROCESSED
                    unsent[envelope["id"]] -= 1
                else:
                    sender.send(subscription, envelope)
                    handed.append(envelope["id"])
            flushed(sender)
    except Exception as error:
        failed = [event_id for event_id in event_ids if unsent[event_id] > 0]
        logger.warning(
            "dispatch of %s after commit failed; the relay will send it: %s",
            ", ".join(failed),
            error,
            exc_info=True,
        )
        mark_dispatched_safely(alias, [event_id for event_id in event_ids if not unsent[event_id]])
        release_safely(alias, failed, error)
        return
    if marked:
        return
    if carrier is None:
        # Sent to brokers only: the mark is bookkeeping, written together with other
        # transactions' marks instead of in a transaction of this one's (modulith.events.marks).
        pending_marks.add(alias, event_ids)
    else:
        mark_dispatched_safely(alias, event_ids)


def _last_delivery_here(sends: list[tuple[Subscription, Envelope]], alias: str) -> int | None:
    """The last send that is an in-process delivery on `alias`: its transaction can carry the
    outbox's mark. Moving it to the end keeps each subscription's events in publishing order."""
    for position in reversed(range(len(sends))):
        context = sends[position][0].context
        if context.transport == INPROCESS and context.database_alias == alias:
            return position
    return None
