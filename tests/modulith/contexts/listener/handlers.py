"""Handlers whose behaviour each event chooses (see sample.events.Behaviour)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from modulith import PermanentError, subscribe
from tests.modulith.contexts.listener.models import Effect, Repair
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingNoted

# Long enough for a test to find and kill the process; never reached otherwise.
PAUSE_SECONDS = 60
SLOW_SECONDS = 0.3


@subscribe(ThingHappened)
def on_thing_happened(event: ThingHappened) -> None:
    _behave(event)
    Effect.objects.create(handler="on_thing_happened", thing_id=event.thing_id, pid=os.getpid())


@subscribe(ThingHappened)
def audit_thing_happened(event: ThingHappened) -> None:
    """A second subscription to the same event: it must not care how the first one fares."""
    Effect.objects.create(handler="audit_thing_happened", thing_id=event.thing_id, pid=os.getpid())


@subscribe(ThingNoted)
def on_thing_noted(event: ThingNoted) -> None:
    Effect.objects.create(handler="on_thing_noted", thing_id=event.thing_id, pid=os.getpid())


def _behave(event: ThingHappened) -> None:
    repaired = Repair.objects.filter(thing_id=event.thing_id).exists()
    if event.behaviour == Behaviour.FAIL and not repaired:
        raise RuntimeError(f"thing {event.thing_id} is broken")
    if event.behaviour == Behaviour.FAIL_PERMANENTLY and not repaired:
        raise PermanentError(f"thing {event.thing_id} can never work")
    if event.behaviour == Behaviour.SLOW:
        time.sleep(SLOW_SECONDS)
    if event.behaviour == Behaviour.PAUSE:
        marker = Path(event.marker)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
