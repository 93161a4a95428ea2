"""What differs between the deployments the e2e scenarios run in, and what they share."""

from __future__ import annotations

import email
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tests.support.processes import Process, child_env, spawn
from tests.support.workers import start_worker, worker_env

# A Redis database of their own for the e2e tests' Celery queues, so that no other suite's
# workers consume them (the queue names, ctx.<context>, are the same everywhere).
E2E_BROKER_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/12")


@dataclass(frozen=True)
class Breaker:
    """The payments circuit breaker settings a topology runs with."""

    fail_max: int
    reset_seconds: float
    provider_timeout_seconds: float


class Topology(Protocol):
    breaker: Breaker

    def emails_to(self, address: str) -> list[str]:
        """Subjects of the emails sent to `address` so far."""

    def payments_paused(self) -> AbstractContextManager[None]:
        """While the block runs, payments receives no events; they reach it after the block."""


def emails_in(mail_dir: Path, address: str) -> list[str]:
    """Subjects of the emails to `address` that Django's file backend wrote under `mail_dir`."""
    subjects = []
    for path in sorted(mail_dir.glob("*.log")):
        # The file backend writes each message followed by a line of 79 dashes.
        for raw in path.read_text(errors="replace").split("-" * 79):
            message = email.message_from_string(raw.strip())
            if address in str(message.get("To", "")):
                subjects.append(str(message.get("Subject", "")))
    return subjects


# --- The Celery topology's processes (shared with tests/drills) ---------------------------------

CONTEXTS = ("identity", "catalog", "shipping", "inventory", "payments", "orders", "notifications")
OTHER_QUEUES = [f"ctx.{context}" for context in CONTEXTS if context != "payments"]

# The breaker the workers run with (config/settings reads PAYMENTS_* from the environment):
# quick to trip and to reset, so the outage scenario takes seconds.
WORKERS_BREAKER = Breaker(fail_max=3, reset_seconds=2.0, provider_timeout_seconds=0.5)
# What every process of a deployment the tests start is told so that failures recover in
# seconds: quick event retries and the breaker above.
QUICK_RECOVERY = {
    "EVENT_RETRY_BASE_SECONDS": "0.2",
    "EVENT_RETRY_MAX_SECONDS": "2",
    "PAYMENTS_BREAKER_FAIL_MAX": str(WORKERS_BREAKER.fail_max),
    "PAYMENTS_BREAKER_RESET_SECONDS": str(WORKERS_BREAKER.reset_seconds),
    "PAYMENTS_PROVIDER_TIMEOUT_SECONDS": str(WORKERS_BREAKER.provider_timeout_seconds),
}


class Workers:
    """The worker processes of the module, and the lever that stops and restarts payments."""

    def __init__(self, broker_url: str, mail_dir: Path, *, redis_url: str = "") -> None:
        """With `redis_url`, the workers keep the shop's cache there (REDIS_URL), as production
        does: the read caches their handlers invalidate and the payment breaker are shared."""
        self.breaker = WORKERS_BREAKER
        self.env = worker_env(
            broker_url=broker_url,
            transports=dict.fromkeys(CONTEXTS, "celery"),
            extra={
                "EMAIL_URL": f"filemail:///{mail_dir}",
                **({"REDIS_URL": redis_url} if redis_url else {}),
                **QUICK_RECOVERY,
            },
        )
        self.running = ExitStack()
        self.payments = ExitStack()

    def start(self) -> None:
        self.running.enter_context(start_worker(queues=OTHER_QUEUES, env=self.env, concurrency=2))
        # Handlers that fail are retried by the relay (not by Celery countdowns), as in
        # production where beat or `manage.py events relay` runs it.
        self.running.enter_context(start_relay(self.env))
        self.start_payments()

    def start_payments(self) -> None:
        self.payments.enter_context(start_worker(queues=["ctx.payments"], env=self.env))

    def stop_payments(self) -> None:
        self.payments.close()

    def stop(self) -> None:
        self.payments.close()
        self.running.close()


@contextmanager
def start_relay(env: dict[str, str]) -> Iterator[Process]:
    process = spawn(
        [sys.executable, "manage.py", "events", "relay", "--interval", "0.2"],
        env=child_env(**env),
        name="relay",
    )
    try:
        yield process
    finally:
        process.stop()
        process.log_path.unlink(missing_ok=True)
