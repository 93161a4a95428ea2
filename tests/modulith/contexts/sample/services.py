"""Write use cases of the sample context: each publishes its event in its transaction."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from modulith import publish
from modulith.events.envelope import Envelope
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingMoved


@transaction.atomic
def thing_happen(
    *, thing_id: UUID, behaviour: Behaviour = Behaviour.COUNT, marker: str = ""
) -> Envelope:
    return publish(ThingHappened(thing_id=thing_id, behaviour=behaviour, marker=marker))


@transaction.atomic
def thing_move(*, thing_id: UUID, to: str) -> Envelope:
    return publish(ThingMoved(thing_id=thing_id, to=to))
