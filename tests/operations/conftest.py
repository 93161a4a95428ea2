"""Fixtures of the operations tests: beat's lease and schedule, a dedicated broker queue."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import Connection


@pytest.fixture
def lease_key() -> str:
    """A lease key of the test's own: runs sharing a Redis database never meet."""
    return f"test:beat:{uuid.uuid4().hex}"


@pytest.fixture
def beat_queue(redis_url: str) -> Iterator[str]:
    """A broker queue of the test's own, where the beat entries it creates send their tasks."""
    name = f"ops.beat.{uuid.uuid4().hex[:12]}"
    yield name
    with Connection(redis_url) as connection:
        queue = connection.SimpleQueue(name)
        queue.clear()
        queue.close()


def sent_messages(broker_url: str, queue_name: str) -> list[dict[str, Any]]:
    """Take every message waiting on the queue; returns their Celery headers, oldest first."""
    headers: list[dict[str, Any]] = []
    with Connection(broker_url) as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return headers
                headers.append(dict(message.headers))
                message.ack()
        finally:
            queue.close()


@pytest.fixture
def beat_app(redis_url: str) -> Iterator[Celery]:
    """The shop's Celery configuration, its broker pointed at the test Redis."""
    app = Celery("beat-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = redis_url
    yield app
    app.close()


@pytest.fixture
def only_these_entries(transactional_db: None) -> Callable[..., PeriodicTask]:
    """Empties beat's schedule; returns add(name, every_seconds, queue, last_run_ago=None).

    An entry whose last run lies further back than its interval is due at once; with an
    interval of an hour it is due exactly once during a test.
    """
    PeriodicTask.objects.all().delete()

    def add(
        name: str, *, every_seconds: int, queue: str, last_run_ago: timedelta | None = None
    ) -> PeriodicTask:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=every_seconds, period=IntervalSchedule.SECONDS
        )
        return PeriodicTask.objects.create(
            name=name,
            # Registered nowhere: beat sends it by name, and nothing consumes the queue.
            task=f"tests.operations.{name.replace(' ', '_')}",
            interval=interval,
            queue=queue,
            last_run_at=timezone.now() - last_run_ago if last_run_ago else None,
        )

    return add
