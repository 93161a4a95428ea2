"""Celery workers keep their database connections between tasks, and survive losing one.

A real worker process on Redis serves the PostgreSQL test database with persistent connections
(CONN_MAX_AGE 60 and CONN_HEALTH_CHECKS, as configured for production). PostgreSQL only: the
tests read pg_stat_activity and end the worker's session with pg_terminate_backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from tests.modulith.conftest import LISTENER_QUEUE
from tests.modulith.contexts.sample.services import thing_happen
from tests.modulith.test_celery_transport import CELERY_LISTENER, _purge
from tests.support.waiting import wait_until
from tests.support.workers import Worker, start_worker, use_broker, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def persistent_worker(django_db_setup, django_db_blocker) -> Iterator[tuple[str, Worker]]:
    from tests.support import services

    services.require_postgres()
    url = services.require(services.REDIS_URL, 6379, "Redis")
    _purge(url)
    env = worker_env(
        broker_url=url, transports=CELERY_LISTENER, extra={"DATABASE_CONN_MAX_AGE": "60"}
    )
    with start_worker(queues=[LISTENER_QUEUE], env=env) as worker:
        yield url, worker


@pytest.fixture
def handled(
    persistent_worker: tuple[str, Worker], modulith_settings, effects
) -> Callable[[], uuid.UUID]:
    """handled(): publish one event here and wait until the worker ran both its handlers."""
    url, _ = persistent_worker
    # Marks written at once: no writer thread of this process opens connections of its own.
    modulith_settings(CONTEXT_TRANSPORTS=CELERY_LISTENER, MARK_INTERVAL=0)

    def publish_and_wait() -> uuid.UUID:
        thing_id = uuid.uuid4()
        with use_broker(url):
            thing_happen(thing_id=thing_id)
        wait_until(
            lambda: effects(thing_id) == 2, timeout=30, what="the worker to run both handlers"
        )
        return thing_id

    return publish_and_wait


def other_sessions() -> set[int]:
    """Backend pids of the other sessions on the test database: the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_runs_many_deliveries_on_the_connection_it_opened_once(
    handled: Callable[[], uuid.UUID],
) -> None:
    handled()
    first = other_sessions()

    for _ in range(5):
        handled()

    assert first, "the worker keeps its connection between tasks"
    assert other_sessions() == first


def test_a_worker_whose_connection_was_terminated_handles_the_next_delivery(
    handled: Callable[[], uuid.UUID], effects
) -> None:
    handled()
    sessions = other_sessions()
    assert sessions, "the worker keeps a connection between tasks"
    with connection.cursor() as cursor:
        for pid in sessions:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    thing_id = handled()

    assert effects(thing_id) == 2
