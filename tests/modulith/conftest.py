"""Fixtures of the event kernel's tests (the throw-away contexts live in ./contexts)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from tests.modulith.contexts.listener.models import Effect

LISTENER_QUEUE = "ctx.listener"


@pytest.fixture
def thing_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def effects() -> Callable[..., int]:
    """effects(thing_id, handler=None): how many committed handler runs left an Effect."""

    def count(thing_id: uuid.UUID, handler: str | None = None) -> int:
        rows = Effect.objects.filter(thing_id=thing_id)
        if handler is not None:
            rows = rows.filter(handler=handler)
        return rows.count()

    return count


def modulith_overrides(**values: Any) -> override_settings:
    """override_settings for keys of settings.MODULITH (the rest of the dict is kept)."""
    merged = {**settings.MODULITH}
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return override_settings(MODULITH=merged)


@pytest.fixture
def modulith_settings() -> Iterator[Callable[..., None]]:
    """modulith_settings(RETRY_MAX_ATTEMPTS=3, CONTEXT_TRANSPORTS={"listener": "celery"})."""
    active: list[override_settings] = []

    def apply(**values: Any) -> None:
        override = modulith_overrides(**values)
        override.enable()
        active.append(override)

    yield apply
    for override in reversed(active):
        override.disable()


@pytest.fixture
def spans() -> Iterator[Any]:
    """An OpenTelemetry SDK installed for the test: returns its in-memory span exporter.

    The global tracer provider can be set only once per process, so the fixture puts the
    previous one back afterwards (as opentelemetry-test-utils' reset_trace_globals does): no
    other test runs with a recording tracer.
    """
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.util._once import Once

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    previous = (trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE)
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace.set_tracer_provider(provider)
    try:
        yield exporter
    finally:
        provider.shutdown()
        trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = previous
