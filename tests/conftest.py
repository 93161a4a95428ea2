"""Fixtures shared by every test. Per-context fixtures live in tests/<context>/conftest.py."""

from __future__ import annotations

import pytest

from tests.support import services


@pytest.fixture
def redis_url() -> str:
    return services.require(services.REDIS_URL, 6379, "Redis")


@pytest.fixture
def rabbitmq_url() -> str:
    return services.require(services.RABBITMQ_URL, 5672, "RabbitMQ")


@pytest.fixture
def postgres(db: None) -> None:
    """Marks a test that only makes sense on PostgreSQL (row locks, SKIP LOCKED, concurrency)."""
    services.require_postgres()
