"""CloudEvents 1.0 structured-mode envelopes, and the causal context they carry.

Extensions: `correlationid` (the flow), `causationid` (the event whose handler published this
one), and, when OpenTelemetry is installed and a span is active, `traceparent`/`tracestate`
(modulith.ops.tracing).
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from modulith.events.declaration import EventSpec
from modulith.ops import tracing
from modulith.settings import modulith_setting

Envelope = dict[str, Any]

# The correlation id of the HTTP request (or job) that started the current flow.
current_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "modulith_correlation_id", default=None
)
# The envelope whose handler is running now; events published meanwhile are caused by it.
current_envelope: contextvars.ContextVar[Envelope | None] = contextvars.ContextVar(
    "modulith_current_envelope", default=None
)


def build_envelope(spec: EventSpec, event: object) -> Envelope:
    event_id = str(uuid.uuid4())
    cause = current_envelope.get()
    correlation = cause["correlationid"] if cause else (current_correlation_id.get() or event_id)
    envelope: Envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": f"{modulith_setting('EVENT_SOURCE_PREFIX', '')}/{spec.context}",
        "type": spec.type,
        "time": timezone.now().isoformat(),
        "subject": spec.subject_of(event),
        "datacontenttype": "application/json",
        "data": spec.encode(event),
        "correlationid": correlation,
    }
    if cause:
        envelope["causationid"] = cause["id"]
    # When tracing is on: the span active now (a request's, or the consumer span of the handler
    # publishing this) becomes the parent of every delivery of the event.
    envelope.update(tracing.trace_extensions())
    return envelope


@contextmanager
def handling(envelope: Envelope) -> Iterator[None]:
    """Mark `envelope` as the cause of whatever the code inside publishes."""
    token = current_envelope.set(envelope)
    try:
        yield
    finally:
        current_envelope.reset(token)
