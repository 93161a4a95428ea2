"""Events of the listener context: published by its handlers, to exercise events that cause
events (batches within batches, traces over several hops)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from modulith import event


@event("shop.listener.thing.echoed.v1", subject="thing_id")
@dataclass(frozen=True)
class ThingEchoed:
    """Published by listener.on_thing_traced; heard by remote.on_thing_echoed."""

    thing_id: UUID
