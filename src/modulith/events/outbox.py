"""publish(): write the event to the outbox inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from modulith.contexts.registry import get_context
from modulith.events import statements
from modulith.events.aftercommit import dispatch_after_commit
from modulith.events.declaration import spec_for_class
from modulith.events.envelope import Envelope, build_envelope
from modulith.settings import kernel_settings


class PublishOutsideTransactionError(RuntimeError):
    """publish() was called outside transaction.atomic() on the publisher's database."""


# Observers of every publish (the test kit's event capture uses this).
publish_listeners: list[Callable[[object, Envelope], None]] = []


def publish(event: object) -> Envelope:
    """Record `event` in the publishing context's outbox, in the current transaction.

    Nothing leaves the process before the transaction commits; after a rollback nothing is
    delivered. Dispatch starts right after commit (modulith.events.aftercommit); the relay sends
    whatever that missed.
    """
    spec = spec_for_class(type(event))
    alias = get_context(spec.context).database_alias
    if not transaction.get_connection(alias).in_atomic_block:
        raise PublishOutsideTransactionError(
            f"publish({type(event).__name__}) needs a transaction on database {alias!r}: call it "
            f"inside a service decorated with @transaction.atomic (using={alias!r})."
        )
    envelope = build_envelope(spec, event)
    statements.insert_outbox_row(
        using=alias,
        envelope=envelope,
        event_type=spec.type,
        source_context=spec.context,
        available_at=timezone.now() + kernel_settings().dispatch_grace,
    )
    for listener in publish_listeners:
        listener(event, envelope)

    # Only committed events are dispatched, all of a transaction's together.
    dispatch_after_commit(alias, envelope)
    return envelope
