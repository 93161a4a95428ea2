"""The test kit other contexts use: capture, drain, Scenario, fixtures."""

from __future__ import annotations

import pytest

from modulith.contexts.registry import get_context
from modulith.testing import Scenario, capture_events, drain, pending_outbox_count
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingMoved
from tests.modulith.contexts.sample.services import thing_happen, thing_move


def test_captured_events_have_their_type_and_payload(db, thing_id):
    with capture_events() as captured:
        thing_move(thing_id=thing_id, to="shelf")

    assert captured.types() == ["shop.sample.thing.moved.v1"]
    assert captured.of_type(ThingMoved) == [ThingMoved(thing_id=thing_id, to="shelf")]
    assert captured.envelopes[0]["data"] == {"thing_id": str(thing_id), "to": "shelf"}


def test_drain_delivers_everything_pending_then_returns(db, thing_id, effects):
    thing_happen(thing_id=thing_id)
    thing_move(thing_id=thing_id, to="shelf")

    dispatched = drain()

    assert dispatched == 2
    assert pending_outbox_count() == 0
    assert effects(thing_id) == 2


def test_a_scenario_reads_as_stimulus_expected_events_expected_state(db, thing_id, effects):
    (
        Scenario()
        .stimulate(thing_happen, thing_id=thing_id)
        .expect_event(ThingHappened, thing_id=thing_id, behaviour=Behaviour.COUNT)
        .drain()
        .expect_no_event(ThingMoved)
        .expect_state(lambda: effects(thing_id) == 2, "both listener handlers ran")
    )


def test_a_failed_expectation_lists_what_was_published(db, thing_id):
    scenario = Scenario().stimulate(thing_move, thing_id=thing_id, to="shelf")

    with pytest.raises(AssertionError, match=r"Published: \[\"ThingMoved\(thing_id=UUID"):
        scenario.expect_event(ThingHappened)
    scenario.close()


def test_the_fixtures_capture_and_drain(db, captured_events, drain_events, scenario, thing_id):
    scenario.stimulate(thing_happen, thing_id=thing_id)
    drain_events()

    assert captured_events.types() == ["shop.sample.thing.happened.v1"]
    assert scenario.event(ThingHappened).thing_id == thing_id


def test_event_transports_switches_a_context_by_settings_only(event_transports):
    event_transports(listener="celery")

    assert get_context("listener").transport == "celery"
    assert get_context("sample").transport == "inprocess"
