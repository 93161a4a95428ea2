"""The CloudEvents 1.0 envelope, validated with the official SDK (unit tests: no database)."""

from __future__ import annotations

import json
import uuid

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from modulith.events.envelope import current_correlation_id, handling
from modulith.testing import make_envelope
from tests.modulith.contexts.sample.events import ThingHappened, ThingMoved
from tests.modulith.test_events import a_valued_thing


def read_with_the_sdk(envelope: dict) -> CloudEvent:
    event = JSONFormat().read(CloudEvent, json.dumps(envelope).encode())
    assert isinstance(event, CloudEvent)
    return event


def test_the_envelope_is_a_valid_structured_cloudevent():
    valued = a_valued_thing()
    envelope = make_envelope(valued)

    event = read_with_the_sdk(envelope)

    assert event.get_specversion() == "1.0"
    assert event.get_type() == "shop.sample.thing.valued.v1"
    assert event.get_source() == "/shop/sample"
    assert event.get_subject() == str(valued.thing_id)
    assert event.get_datacontenttype() == "application/json"
    assert event.get_time() is not None
    assert event.get_id() == envelope["id"]
    assert event.get_data() == envelope["data"]
    assert event.get_extension("correlationid") == envelope["correlationid"]


def test_a_flow_takes_its_correlation_id_from_the_request_that_started_it():
    token = current_correlation_id.set("req-7")
    try:
        envelope = make_envelope(ThingHappened(thing_id=uuid.uuid4()))
    finally:
        current_correlation_id.reset(token)

    assert envelope["correlationid"] == "req-7"


def test_an_event_published_by_a_handler_is_caused_by_the_event_it_handles():
    cause = make_envelope(ThingHappened(thing_id=uuid.uuid4()))

    with handling(cause):
        effect = make_envelope(ThingMoved(thing_id=uuid.uuid4(), to="shelf"))

    event = read_with_the_sdk(effect)
    assert event.get_extension("causationid") == cause["id"]
    assert event.get_extension("correlationid") == cause["correlationid"]


def test_without_a_request_an_event_starts_its_own_correlation():
    envelope = make_envelope(ThingHappened(thing_id=uuid.uuid4()))

    assert envelope["correlationid"] == envelope["id"]
    assert "causationid" not in envelope
