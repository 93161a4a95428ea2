"""What differs between the deployments the e2e scenarios run in, and what they share."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

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
