"""Traces cross the outbox and the queue: W3C Trace Context in the envelope (modulith.ops.tracing).

The SDK's in-memory exporter (the `spans` fixture) records what the kernel traces; the worker
half is in test_celery_transport.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import transaction
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from modulith import publish
from modulith.events.delivery import deliver
from modulith.events.subscriptions import get_subscription
from modulith.models import OutboxMessage
from modulith.ops import tracing
from modulith.testing import deliver_to, drain, make_envelope
from tests.modulith.contexts.listener.models import Sighting
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened, ThingTraced
from tests.modulith.test_envelope import read_with_the_sdk

TRACEPARENT = re.compile(r"^00-(?P<trace>[0-9a-f]{32})-(?P<span>[0-9a-f]{16})-[0-9a-f]{2}$")


def tracer():
    return trace.get_tracer("tests")


def ids(span) -> tuple[str, str]:
    context = span.get_span_context()
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def consumer_spans(spans, subscription: str) -> list:
    return [span for span in spans.get_finished_spans() if span.name == subscription]


def test_an_event_published_inside_a_span_carries_that_span_as_its_traceparent(spans):
    with tracer().start_as_current_span("place thing") as publishing:
        envelope = make_envelope(ThingTraced(thing_id=uuid.uuid4()))

    match = TRACEPARENT.match(envelope["traceparent"])
    assert match is not None
    assert (match["trace"], match["span"]) == ids(publishing)
    assert "tracestate" not in envelope


def test_the_tracestate_of_the_active_span_travels_too(spans):
    upstream = tracing._W3C.extract(
        {
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate": "shop=checkout,vendor=abc",
        }
    )

    with tracer().start_as_current_span("place thing", context=upstream):
        envelope = make_envelope(ThingTraced(thing_id=uuid.uuid4()))

    assert envelope["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert envelope["tracestate"] == "shop=checkout,vendor=abc"


def test_without_an_active_span_the_envelope_carries_no_trace_extensions(spans):
    envelope = make_envelope(ThingTraced(thing_id=uuid.uuid4()))

    assert not set(tracing.TRACE_EXTENSIONS) & set(envelope)


def test_an_envelope_with_trace_extensions_is_a_valid_cloudevent(spans):
    with tracer().start_as_current_span("place thing") as publishing:
        envelope = make_envelope(ThingTraced(thing_id=uuid.uuid4()))

    event = read_with_the_sdk(envelope)

    assert event.get_extension("traceparent") == envelope["traceparent"]
    assert TRACEPARENT.match(event.get_extension("traceparent"))["span"] == ids(publishing)[1]
    assert event.get_extension("correlationid") == envelope["correlationid"]


@pytest.mark.django_db(transaction=True)
def test_the_handler_runs_in_a_consumer_span_that_is_a_child_of_the_publishing_span(spans):
    thing_id = uuid.uuid4()

    with tracer().start_as_current_span("place thing") as publishing, transaction.atomic():
        envelope = publish(ThingTraced(thing_id=thing_id))

    [consumer] = consumer_spans(spans, "listener.on_thing_traced")
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.parent is not None
    assert consumer.parent.span_id == publishing.get_span_context().span_id
    assert ids(consumer)[0] == ids(publishing)[0]
    assert consumer.attributes["cloudevents.event_id"] == envelope["id"]
    assert consumer.attributes["modulith.events.delivery.outcome"] == "processed"
    sighting = Sighting.objects.get(thing_id=thing_id)
    assert (sighting.trace_id, sighting.span_id) == ids(consumer)


def test_a_delivery_long_after_the_publishing_span_ended_still_joins_its_trace(db, spans):
    with tracer().start_as_current_span("place thing") as publishing:
        publish(ThingTraced(thing_id=uuid.uuid4()))  # the test's transaction never commits

    drain()  # as the relay would, outside any span

    [consumer] = consumer_spans(spans, "listener.on_thing_traced")
    assert consumer.parent.span_id == publishing.get_span_context().span_id
    assert ids(consumer)[0] == ids(publishing)[0]


@pytest.mark.django_db(transaction=True)
def test_events_that_handlers_publish_continue_the_trace_hop_by_hop(spans):
    with tracer().start_as_current_span("place thing") as publishing, transaction.atomic():
        publish(ThingTraced(thing_id=uuid.uuid4(), echo=True))

    [first] = consumer_spans(spans, "listener.on_thing_traced")
    [second] = consumer_spans(spans, "remote.on_thing_echoed")
    echoed = OutboxMessage.objects.get(event_type="shop.listener.thing.echoed.v1").envelope
    assert TRACEPARENT.match(echoed["traceparent"])["span"] == ids(first)[1]
    assert second.parent.span_id == first.get_span_context().span_id
    assert first.parent.span_id == publishing.get_span_context().span_id
    assert {ids(first)[0], ids(second)[0]} == {ids(publishing)[0]}


def test_a_failing_handler_marks_its_consumer_span_as_an_error(db, spans):
    with tracer().start_as_current_span("place thing"):
        deliver_to(
            "listener.on_thing_happened",
            ThingHappened(thing_id=uuid.uuid4(), behaviour=Behaviour.FAIL),
        )

    [consumer] = consumer_spans(spans, "listener.on_thing_happened")
    assert consumer.status.status_code is StatusCode.ERROR
    assert consumer.attributes["modulith.events.delivery.outcome"] == "retrying"
    assert [event.name for event in consumer.events] == ["exception"]


def test_without_opentelemetry_envelopes_and_deliveries_are_unchanged(db, monkeypatch, effects):
    monkeypatch.setattr(tracing, "trace", None)
    thing_id = uuid.uuid4()

    with trace.get_tracer("tests").start_as_current_span("ignored"):
        envelope, outcome = deliver_to(
            "listener.on_thing_happened", ThingHappened(thing_id=thing_id)
        )

    assert not set(tracing.TRACE_EXTENSIONS) & set(envelope)
    assert outcome.value == "processed"
    assert effects(thing_id, "on_thing_happened") == 1


def test_without_an_sdk_a_delivery_of_an_untraced_envelope_opens_no_span():
    with tracing.consumer_span("listener.on_thing_traced", {"id": "e-1"}) as span:
        assert span is None


def test_with_an_sdk_installed_later_deliveries_open_their_spans(spans):
    with tracing.consumer_span("listener.on_thing_traced", {"id": "e-1"}) as span:
        assert span.is_recording()

    assert [finished.name for finished in spans.get_finished_spans()] == [
        "listener.on_thing_traced"
    ]


def test_without_an_sdk_what_a_handler_publishes_still_carries_the_trace_it_was_sent_in(db):
    inbound = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    envelope = {**make_envelope(ThingTraced(thing_id=uuid.uuid4(), echo=True))}
    envelope["traceparent"] = inbound

    outcome = deliver(get_subscription("listener.on_thing_traced"), envelope)

    echoed = OutboxMessage.objects.get(event_type="shop.listener.thing.echoed.v1").envelope
    assert outcome.value == "processed"
    assert echoed["traceparent"] == inbound
