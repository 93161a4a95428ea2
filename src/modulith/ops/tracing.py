"""Traces that cross the outbox and the queue: W3C Trace Context in the envelope.

When OpenTelemetry is installed and a span is active at publish time, the envelope carries its
`traceparent` (and `tracestate`, if any): the CloudEvents distributed-tracing extension. Each
delivery then runs in a consumer span named after the subscription, a child of that context, so
a handler that runs in a Celery worker hours later (or after the relay re-sent the event) still
joins the trace of the request that published it; events the handler publishes carry the
consumer span on. Without `opentelemetry-api` importable, nothing here does anything.

The W3C propagator is used directly rather than the globally configured one: the envelope's
extension is defined as W3C Trace Context, whatever an application propagates over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    from opentelemetry import trace
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
except ImportError:  # tracing is optional
    trace = None  # type: ignore[assignment]
else:
    _W3C = TraceContextTextMapPropagator()

Envelope = dict[str, Any]

TRACE_EXTENSIONS = ("traceparent", "tracestate")
_TRACER_NAME = "modulith"


def trace_extensions() -> dict[str, str]:
    """`traceparent` (and `tracestate`) of the span active now; {} if none or no OpenTelemetry."""
    if trace is None:
        return {}
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier


@contextmanager
def consumer_span(subscription: str, envelope: Envelope) -> Iterator[Any]:
    """The span of one delivery: CONSUMER, named after the subscription, child of the context the
    envelope carries (or of the current one if it carries none). Yields the span, or None
    without OpenTelemetry. An exception raised inside is recorded on the span."""
    if trace is None or (
        "traceparent" not in envelope
        and isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    ):
        # No SDK configured (checked each time: one may be installed later) and no trace to
        # continue: the span would record nothing and carry on only the context already
        # current, so what the handler publishes carries the same traceparent without it.
        yield None
        return
    parent = _W3C.extract(envelope) if "traceparent" in envelope else None
    # Looked up each time, not kept: the application (or a test) may install its provider later.
    tracer = trace.get_tracer(_TRACER_NAME)
    with tracer.start_as_current_span(
        subscription, context=parent, kind=trace.SpanKind.CONSUMER
    ) as span:
        if span.is_recording():
            span.set_attributes(
                {
                    "messaging.operation.type": "process",
                    "messaging.destination.name": subscription,
                    "messaging.message.id": envelope.get("id", ""),
                    "cloudevents.event_id": envelope.get("id", ""),
                    "cloudevents.event_type": envelope.get("type", ""),
                    "cloudevents.event_source": envelope.get("source", ""),
                    "cloudevents.event_subject": envelope.get("subject", ""),
                }
            )
        yield span


def record_outcome(span: Any, outcome: str, error: BaseException | None = None) -> None:
    """Note how the delivery ended; a handler failure marks the span as an error."""
    if span is None or not span.is_recording():
        return
    span.set_attribute("modulith.events.delivery.outcome", outcome)
    if error is not None:
        span.record_exception(error)
        span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(error).__name__}: {error}"))
