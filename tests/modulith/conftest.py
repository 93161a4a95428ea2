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
