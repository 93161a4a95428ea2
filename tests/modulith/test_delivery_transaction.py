"""A use case called by a handler joins the delivery's transaction instead of nesting a
savepoint in it, and a handler that swallows a use case's error never commits half of it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modulith.contexts.transactions import ContextDatabase
from modulith.events.declaration import spec_for_class
from modulith.events.delivery import Outcome, deliver
from modulith.events.subscriptions import Subscription
from modulith.models import InboxMessage
from modulith.testing import make_envelope
from tests.modulith.contexts.listener.models import Effect
from tests.modulith.contexts.sample.events import ThingHappened

pytestmark = pytest.mark.django_db(transaction=True)

listener_database = ContextDatabase("listener")


class Refused(Exception):
    pass


@listener_database.atomic
def effect_record(*, thing_id: Any, refuse: bool = False) -> None:
    Effect.objects.create(handler="use_case", thing_id=thing_id, pid=0)
    if refuse:
        raise Refused("the use case refused after writing")


def subscription(handler: Callable[[ThingHappened], None]) -> Subscription:
    return Subscription(
        name="listener.joined_use_case",
        context_label="listener",
        event_type=spec_for_class(ThingHappened).type,
        event_class=ThingHappened,
        handler=handler,
    )


def test_a_use_case_joins_the_delivery_transaction_without_a_savepoint(thing_id):
    envelope = make_envelope(ThingHappened(thing_id=thing_id))

    with CaptureQueriesContext(connection) as captured:
        outcome = deliver(subscription(lambda e: effect_record(thing_id=e.thing_id)), envelope)

    assert outcome is Outcome.PROCESSED
    assert Effect.objects.filter(thing_id=thing_id, handler="use_case").count() == 1
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert "SAVEPOINT" not in statements


def test_a_use_case_nested_in_another_still_gets_its_savepoint(thing_id):
    envelope = make_envelope(ThingHappened(thing_id=thing_id))

    @listener_database.atomic
    def outer(*, thing_id: Any) -> None:
        # The inner use case rolls back to its savepoint; this one goes on.
        with suppress(Refused):
            effect_record(thing_id=thing_id, refuse=True)
        Effect.objects.create(handler="outer", thing_id=thing_id, pid=0)

    outcome = deliver(subscription(lambda e: outer(thing_id=e.thing_id)), envelope)

    assert outcome is Outcome.PROCESSED
    assert list(Effect.objects.filter(thing_id=thing_id).values_list("handler", flat=True)) == [
        "outer"
    ]


def test_a_handler_that_swallows_a_use_case_error_is_retried_with_nothing_committed(thing_id):
    envelope = make_envelope(ThingHappened(thing_id=thing_id))

    def swallowing(event: ThingHappened) -> None:
        with suppress(Refused):
            effect_record(thing_id=event.thing_id, refuse=True)

    outcome = deliver(subscription(swallowing), envelope)

    assert outcome is Outcome.RETRYING
    assert not Effect.objects.filter(thing_id=thing_id).exists()
    inbox = InboxMessage.objects.get(event_id=envelope["id"])
    assert inbox.status == "retrying"
    assert "HandlerLeftTransactionBroken" in inbox.last_error
