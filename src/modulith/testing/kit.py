"""The building blocks of the test kit; import them from modulith.testing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from modulith.contexts.registry import database_aliases
from modulith.events.declaration import spec_for_class
from modulith.events.delivery import Outcome, deliver
from modulith.events.dispatch import relay_outbox
from modulith.events.envelope import Envelope, build_envelope
from modulith.events.outbox import publish_listeners
from modulith.events.recovery.retries import resend_due_retries
from modulith.events.subscriptions import get_subscription
from modulith.models import OutboxMessage

E = TypeVar("E")

# drain() runs every retry at once, whatever its due time: tests do not wait for backoffs.
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass
class CapturedEvents:
    events: list[object] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)

    def of_type(self, event_class: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, event_class)]

    def types(self) -> list[str]:
        return [envelope["type"] for envelope in self.envelopes]

    def clear(self) -> None:
        self.events.clear()
        self.envelopes.clear()


@contextmanager
def capture_events() -> Iterator[CapturedEvents]:
    """Record every event published inside the block (committed or not), with its envelope."""
    captured = CapturedEvents()

    def listen(event: object, envelope: Envelope) -> None:
        captured.events.append(event)
        captured.envelopes.append(envelope)

    publish_listeners.append(listen)
    try:
        yield captured
    finally:
        publish_listeners.remove(listen)


def drain(*, max_rounds: int = 100, include_retries: bool = True) -> int:
    """Dispatch every pending outbox row (and, due or not, every retry) until nothing is left.

    Each subscription is delivered through its context's configured transport, in this process
    for in-process contexts. Use it in tests wrapped in a transaction, where on_commit never
    fires. Returns how many outbox rows were dispatched.
    """
    total = 0
    for _ in range(max_rounds):
        dispatched = retried = 0
        for alias in database_aliases():
            dispatched += relay_outbox(alias, limit=1000, respect_availability=False)
            if include_retries:
                retried += resend_due_retries(alias, now=_FAR_FUTURE, limit=1000)
        total += dispatched
        if not dispatched and not retried:
            return total
    raise AssertionError(f"drain() still had work after {max_rounds} rounds: an event loop?")


def pending_outbox_count() -> int:
    return sum(
        OutboxMessage.objects.using(alias).filter(dispatched_at__isnull=True).count()
        for alias in database_aliases()
    )


def redeliver(subscription_name: str, envelope: Envelope) -> Any:
    """Deliver an envelope again, as a broker would on a duplicate delivery."""
    return deliver(get_subscription(subscription_name), envelope)


def make_envelope(event: object) -> Envelope:
    """The envelope publish() would build for `event`, without touching any outbox."""
    return build_envelope(spec_for_class(type(event)), event)


def deliver_to(subscription_name: str, event: object) -> tuple[Envelope, Outcome]:
    """Deliver `event` to one subscription only, isolated from every other subscriber.

    Returns the envelope (deliver it again with `redeliver` to simulate a duplicate) and the
    outcome (PROCESSED, DUPLICATE, RETRYING or DEAD).
    """
    envelope = make_envelope(event)
    return envelope, deliver(get_subscription(subscription_name), envelope)
