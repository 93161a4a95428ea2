from __future__ import annotations

from modulith import subscribe
from tests.modulith.contexts.listener.events import ThingEchoed
from tests.modulith.contexts.remote.models import Arrival
from tests.modulith.contexts.sample.events import ThingMoved


@subscribe(ThingMoved)
def on_thing_moved(event: ThingMoved) -> None:
    Arrival.objects.create(thing_id=event.thing_id, to=event.to)


@subscribe(ThingEchoed)
def on_thing_echoed(event: ThingEchoed) -> None:
    Arrival.objects.create(thing_id=event.thing_id, to="echo")
