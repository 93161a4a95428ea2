"""Scenario: stimulate → expect events → expect state, in one readable chain.

    (
        Scenario()
        .stimulate(order_place, customer_id=customer, lines=lines)
        .expect_event(OrderPlaced, customer_id=customer)
        .drain()
        .expect_event(OrderConfirmed)
        .expect_state(lambda: get_order(order_id=...).status == "confirmed", "order confirmed")
    )

Every event published from the first stimulus on is recorded, including those published by
handlers while draining. Expectations fail with the list of what was actually published.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from modulith.events.envelope import Envelope
from modulith.events.outbox import publish_listeners
from modulith.testing.kit import CapturedEvents, drain

E = TypeVar("E")


class Scenario:
    def __init__(self) -> None:
        self.captured = CapturedEvents()
        self.result: Any = None
        self._listening = False

    # --- stimuli -------------------------------------------------------------------------------

    def stimulate(self, action: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Scenario:
        """Call `action(*args, **kwargs)` (a service, an api function…); keep its result."""
        self._listen()
        self.result = action(*args, **kwargs)
        return self

    def drain(self) -> Scenario:
        """Deliver everything pending (see modulith.testing.drain), recording what it publishes."""
        self._listen()
        drain()
        return self

    # --- expectations --------------------------------------------------------------------------

    def expect_event(self, event_class: type, /, **fields: Any) -> Scenario:
        """Fail unless exactly one published event of that class has these field values."""
        self.event(event_class, **fields)
        return self

    def event(self, event_class: type[E], /, **fields: Any) -> E:
        """The one published event of that class whose fields equal `fields` (to read ids)."""
        matches = [
            event
            for event in self.captured.of_type(event_class)
            if all(getattr(event, name) == value for name, value in fields.items())
        ]
        if len(matches) != 1:
            raise AssertionError(
                f"expected exactly one {event_class.__name__} with {fields}, found "
                f"{len(matches)}. Published: {self._published()}"
            )
        return matches[0]

    def expect_no_event(self, event_class: type, /) -> Scenario:
        found: list[object] = self.captured.of_type(event_class)
        if found:
            raise AssertionError(f"expected no {event_class.__name__}, found {found}")
        return self

    def expect_state(self, probe: Callable[[], object], description: str = "") -> Scenario:
        """Fail unless `probe()` is truthy (or, if it asserts itself, unless it passes)."""
        if not probe():
            raise AssertionError(f"expected state not reached: {description or probe!r}")
        return self

    def envelope_of(self, event: object) -> Envelope:
        for candidate, envelope in zip(self.captured.events, self.captured.envelopes, strict=True):
            if candidate is event:
                return envelope
        raise LookupError(f"{event!r} was not published in this scenario")

    # --- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        if self._listening:
            publish_listeners.remove(self._record)
            self._listening = False

    def __enter__(self) -> Scenario:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _listen(self) -> None:
        if not self._listening:
            publish_listeners.append(self._record)
            self._listening = True

    def _record(self, event: object, envelope: Envelope) -> None:
        self.captured.events.append(event)
        self.captured.envelopes.append(envelope)

    def _published(self) -> list[str]:
        return [
            f"{type(event).__name__}({', '.join(f'{k}={v!r}' for k, v in _fields(event))})"
            for event in self.captured.events
        ]


def _fields(event: object) -> list[tuple[str, Any]]:
    if dataclasses.is_dataclass(event):
        return [(f.name, getattr(event, f.name)) for f in dataclasses.fields(event)]
    return []
