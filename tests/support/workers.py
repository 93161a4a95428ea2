"""Real Celery worker processes for tests.

    from tests.support.workers import start_worker, worker_env

    env = worker_env(broker_url=redis_url, transports={"orders": "celery"})
    with start_worker(queues=["ctx.orders"], env=env) as worker:
        ...  # publish in the test; poll the database until the worker's effect shows
        worker.kill_child()  # SIGKILL the pool process that runs the task

`start_worker` runs `celery -A config worker -Q <queues> --pool=prefork -c 1` with the given
environment, waits until the worker says it is ready (or fails with its log), and stops it on
exit (SIGTERM, then SIGKILL). `worker_env` builds that environment from the running test:

- DATABASE_URL points at the *test* database pytest-django created (call it from a test or a
  fixture that has database access; use `transactional_db`, since the worker only sees
  committed rows);
- CELERY_BROKER_URL, CONTEXT_TRANSPORTS (e.g. {"orders": "celery"}) as given;
- and `start_worker` adds what every child of a test gets (`tests.support.processes.child_env`):
  the test-only apps, DEBUG, and no connection held between tasks, so the test database can be
  flushed and dropped.

Stop workers before the test session ends: PostgreSQL cannot drop a test database that a
worker is still connected to. Worker logs are kept in a temporary file (`worker.log()`), and
printed when the worker fails to start.
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.processes import ROOT, Process, child_env, logged, running

__all__ = ["ROOT", "Worker", "database_url", "start_worker", "use_broker", "worker_env"]

READY_TIMEOUT = 45.0


class Worker(Process):
    """A running `celery worker` process (its own process group)."""

    def child_pids(self) -> list[int]:
        """The pool processes (prefork children) of the worker's main process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill_child(self, pid: int | None = None) -> int:
        """SIGKILL one pool process (the only one with -c 1); the main process replaces it."""
        target = pid or self.child_pids()[0]
        os.kill(target, signal.SIGKILL)
        return target


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL for the database a Django connection uses (e.g. the test database)."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    if engine.endswith("postgresql"):
        user = settings_dict.get("USER") or "postgres"
        password = settings_dict.get("PASSWORD") or ""
        credentials = f"{user}:{password}" if password else user
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"
    raise ValueError(f"no DATABASE_URL form for {engine}")


def worker_env(
    *,
    broker_url: str,
    transports: Mapping[str, str],
    alias: str = "default",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a worker serving the running test's database."""
    from django.db import connections

    return {
        "DATABASE_URL": database_url(connections[alias].settings_dict),
        "CELERY_BROKER_URL": broker_url,
        "CONTEXT_TRANSPORTS": ",".join(f"{ctx}={kind}" for ctx, kind in transports.items()),
        **(extra or {}),
    }


@contextmanager
def start_worker(
    *,
    queues: list[str],
    env: Mapping[str, str],
    concurrency: int = 1,
    pool: str = "prefork",
    loglevel: str = "INFO",
) -> Iterator[Worker]:
    """Start a worker for `queues`, wait until it is ready, stop it when the block ends."""
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        # No queues: the worker consumes what its service's topology derives.
        *(["-Q", ",".join(queues)] if queues else []),
        f"--pool={pool}", "-c", str(concurrency),
        "-n", name,
        f"--loglevel={loglevel}",
        # Tests want a quiet, quick worker: no broadcast chatter with other workers.
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with running(
        command, env=child_env(**env), name=name, ready=logged(" ready."), timeout=READY_TIMEOUT
    ) as process:
        yield Worker(process.process, process.log_path, name)


@contextmanager
def use_broker(url: str) -> Iterator[Any]:
    """Point this (test) process's Celery app at `url` for the block: the publishing side.

    Celery caches which connection and producer pools it uses; the app forgets them on the way
    in and out, so the switch is clean in both directions (even to an unreachable URL and back).
    """
    from celery import current_app

    app = current_app._get_current_object()
    previous = app.conf.broker_url
    _drop_pools(app)
    app.conf.broker_url = url
    try:
        yield app
    finally:
        _drop_pools(app)
        app.conf.broker_url = previous


def _drop_pools(app: Any) -> None:
    # Only forget them: kombu keeps one global pool per broker URL, shared and reused when the
    # app switches back, so closing it here would break the next use of that URL.
    app._pool = None
    app.amqp._producer_pool = None
