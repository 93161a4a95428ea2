"""Handlers whose behaviour each event chooses (see sample.events.Behaviour)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from modulith import PermanentError, publish, subscribe
from modulith.events.envelope import current_envelope
from tests.modulith.contexts.listener.events import ThingEchoed
from tests.modulith.contexts.listener.models import Effect, Repair, Sighting
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingNoted, ThingTraced

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


@subscribe(ThingTraced)
def on_thing_traced(event: ThingTraced) -> None:
    envelope = current_envelope.get() or {}
    trace_id, span_id = _current_trace()
    Sighting.objects.create(
        handler="on_thing_traced",
        thing_id=event.thing_id,
        trace_id=trace_id,
        span_id=span_id,
        traceparent=envelope.get("traceparent", ""),
    )
    if event.echo:
        publish(ThingEchoed(thing_id=event.thing_id))


def _current_trace() -> tuple[str, str]:
    """The trace and span ids of the span current here, in hex ("", "" without one)."""
    try:
        from opentelemetry import trace
    except ImportError:
        return "", ""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return "", ""
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


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
