"""Structured logs: every record says which flow it belongs to.

`CorrelationFilter` (on the handler, so it sees propagated records too) gives each record:

- `correlation_id`: the flow's id. While a handler runs it is the envelope's `correlationid`,
  so a worker's log lines carry the id of the HTTP request that started the flow, hours and
  processes later; otherwise the request's own `X-Correlation-ID`;
- `event_id`, `event_type`: the envelope being delivered;
- `subscription`: the handler being run (`<context>.<handler>`), when delivery wraps itself in
  `log_context`.

Each is None when unknown. `JsonFormatter` writes one JSON object per line (for log shippers),
leaving out what is None; `PlainFormatter` writes one readable line with the correlation id.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from modulith.events.envelope import Envelope, current_correlation_id, current_envelope

CONTEXT_FIELDS = ("correlation_id", "event_id", "event_type", "subscription")


@dataclass(frozen=True)
class LogContext:
    subscription: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    correlation_id: str | None = None


_current: contextvars.ContextVar[LogContext | None] = contextvars.ContextVar(
    "modulith_log_context", default=None
)


@contextmanager
def log_context(*, subscription: str, envelope: Envelope) -> Iterator[None]:
    """Name the delivery in progress in every record logged inside the block.

    Delivery wraps itself in it, so its own retry and dead-letter warnings (logged after the
    handler's envelope is no longer current) carry the same fields as the handler's lines.
    """
    token = _current.set(
        LogContext(
            subscription=subscription,
            event_id=envelope.get("id"),
            event_type=envelope.get("type"),
            correlation_id=envelope.get("correlationid"),
        )
    )
    try:
        yield
    finally:
        _current.reset(token)


def current_log_context() -> LogContext:
    """What the running code is part of: a delivery, a handled envelope, a request, or nothing."""
    delivery = _current.get()
    if delivery is not None:
        return delivery
    envelope = current_envelope.get()
    if envelope is not None:
        return LogContext(
            event_id=envelope.get("id"),
            event_type=envelope.get("type"),
            correlation_id=envelope.get("correlationid"),
        )
    return LogContext(correlation_id=current_correlation_id.get())


class CorrelationFilter(logging.Filter):
    """Adds the CONTEXT_FIELDS to every record; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_log_context()
        if context.correlation_id is None:
            # django.request logs a 4xx/5xx answer after the middleware has finished and reset
            # the contextvar; the record still carries the request, where it left the id.
            request = getattr(record, "request", None)
            context = replace(context, correlation_id=getattr(request, "correlation_id", None))
        for name in CONTEXT_FIELDS:
            # A value given explicitly with `extra=` wins.
            if getattr(record, name, None) is None:
                setattr(record, name, getattr(context, name))
        return True


class PlainFormatter(logging.Formatter):
    """time level logger [correlation id] message: for a terminal."""

    default_format = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or self.default_format, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "correlation_id", None) is None:
            # A copy: the same record object goes on to the other handlers.
            record = logging.makeLogRecord({**record.__dict__, "correlation_id": "-"})
        return super().format(record)


# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = {
    *logging.makeLogRecord({}).__dict__,
    "message",
    "asctime",
    "taskName",
    *CONTEXT_FIELDS,
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the context
    fields that are known, any `extra=` values, and the exception's traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a value json cannot encode (a UUID, a Decimal) is logged as its text
        # rather than losing the whole line.
        return json.dumps(entry, default=str, ensure_ascii=False)
