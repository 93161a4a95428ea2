"""Events of the sample context, shaped to exercise the kernel."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from modulith import event


class Behaviour(enum.StrEnum):
    """What the listener's handler does with a ThingHappened."""

    COUNT = "count"  # record the effect
    FAIL = "fail"  # raise until the thing is repaired (a Repair row exists), then count
    FAIL_PERMANENTLY = "fail_permanently"  # raise PermanentError until repaired
    PAUSE = "pause"  # first run: write the pid to `marker` and sleep (to be killed)
    SLOW = "slow"  # sleep a little inside the transaction, then count


@event("shop.sample.thing.happened.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingHappened:
    thing_id: UUID
    behaviour: Behaviour = Behaviour.COUNT
    marker: str = ""


@event("shop.sample.thing.moved.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingMoved:
    """Heard by the remote context only (the database-per-context tests)."""

    thing_id: UUID
    to: str


@dataclass(frozen=True)
class Part:
    label: str
    quantity: int
    unit_price: Decimal


@event("shop.sample.thing.valued.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingValued:
    """Every kind of field an event may have, for codec and envelope tests."""

    thing_id: UUID
    owner_id: UUID | None
    amount: Decimal
    currency: str
    count: int
    fragile: bool
    behaviour: Behaviour
    valued_at: datetime
    valid_until: date
    parts: tuple[Part, ...]
    tags: tuple[str, ...] = ()


@event("shop.sample.thing.noted.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingNoted:
    """Heard by exactly one handler (listener.on_thing_noted): the benchmark's event."""

    thing_id: UUID
    note: str


@event("shop.sample.thing.traced.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingTraced:
    """Heard by listener.on_thing_traced only (the tracing tests): the handler records the trace
    context it runs in, and publishes ThingEchoed when `echo` is set."""

    thing_id: UUID
    echo: bool = False
