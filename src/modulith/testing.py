"""Test kit for every context's tests: capture published events, drain deliveries.

    with capture_events() as captured:
        order_place(...)
    assert captured.of_type(OrderPlaced)[0].order_id == order.id
    drain()  # deliver everything pending, deterministically, in this process
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings

from modulith.delivery import Outcome, deliver
from modulith.dispatch import dispatch_pending
from modulith.envelope import Envelope, build_envelope
from modulith.events import spec_for_class
from modulith.models import InboxMessage, InboxStatus, OutboxMessage
from modulith.outbox import publish_listeners
from modulith.subscriptions import get_subscription

E = TypeVar("E")


@dataclass
class CapturedEvents:
    events: list[object] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)

    def of_type(self, event_class: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, event_class)]

    def types(self) -> list[str]:
        return [envelope["type"] for envelope in self.envelopes]


@contextmanager
def capture_events() -> Iterator[CapturedEvents]:
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
    """Dispatch every pending outbox row (and due or not, every retry) until nothing is left.

    Deliveries run in this process whatever the configured transport's kind would be for
    in-process contexts; use it in tests wrapped in a transaction, where on_commit never fires.
    Returns how many outbox rows were dispatched.
    """
    total = 0
    for _ in range(max_rounds):
        progressed = 0
        for alias in settings.DATABASES:
            progressed += dispatch_pending(alias, limit=1000)
            if include_retries:
                progressed += _run_retries(alias)
        total += progressed
        if not progressed:
            return total
    raise AssertionError(f"drain() still had work after {max_rounds} rounds: an event loop?")


def _run_retries(alias: str) -> int:
    due = list(
        InboxMessage.objects.using(alias).filter(status=InboxStatus.RETRYING).order_by("received_at")
    )
    for inbox in due:
        deliver(get_subscription(inbox.subscription), inbox.envelope)
    return len(due)


def pending_outbox_count() -> int:
    return sum(
        OutboxMessage.objects.using(alias).filter(dispatched_at__isnull=True).count()
        for alias in settings.DATABASES
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


__all__ = [
    "CapturedEvents",
    "capture_events",
    "deliver_to",
    "drain",
    "make_envelope",
    "pending_outbox_count",
    "redeliver",
]
