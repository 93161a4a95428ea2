"""Circuit breakers shared by every process: one per remote context.

A breaker kept in one process's memory lets each gunicorn or Celery worker discover an outage on
its own and keep hammering the dead service. With a Redis URL the state and counters live in
Redis (pybreaker's CircuitRedisStorage), so one process's failures open the circuit for all of
them; without one (the embedded default: one process) memory storage is enough.

pybreaker's own `call()` holds a per-breaker lock for the whole guarded call, which would
serialise every call to a context within a threaded process. SharedBreaker asks the state
before the call and reports the outcome after it, so the network call itself runs unlocked.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pybreaker
import redis

from modulith.remote.settings import remote_settings

logger = logging.getLogger(__name__)

NAMESPACE_PREFIX = "modulith:remote-api"


class _Failure(Exception):
    """Stands for the failed call when the outcome is reported to pybreaker."""


def _fail() -> None:
    raise _Failure


def _succeed() -> None:
    return None


@dataclass(frozen=True)
class SharedBreaker:
    """A pybreaker breaker plus the storage it keeps its state in (shared when in Redis)."""

    breaker: pybreaker.CircuitBreaker
    storage: pybreaker.CircuitBreakerStorage

    def is_open(self) -> bool:
        """True while calls must fail fast; False when closed, or when the reset period has
        passed and a trial call may go through (its outcome closes or reopens the circuit)."""
        return self.retry_after() is not None

    def retry_after(self) -> float | None:
        """Seconds until an open circuit lets a trial call through; None when not open."""
        if self.storage.state != pybreaker.STATE_OPEN:
            return None
        opened_at = self.storage.opened_at
        if opened_at is None:
            return None
        reopens = opened_at + timedelta(seconds=self.breaker.reset_timeout)
        remaining = (reopens - datetime.now(UTC)).total_seconds()
        return remaining if remaining > 0 else None

    def record_success(self) -> None:
        # CircuitBreakerError: another caller opened it meanwhile; its reset period stands.
        with suppress(pybreaker.CircuitBreakerError):
            self.breaker.call(_succeed)

    def record_failure(self) -> bool:
        """Count a failed call; True if the circuit is open now (this failure may have opened
        it)."""
        try:
            self.breaker.call(_fail)
        except pybreaker.CircuitBreakerError:
            return True
        except _Failure:
            return False
        return False  # pragma: no cover - _fail always raises

    def close(self) -> None:
        self.breaker.close()


def shared_breaker(
    *, name: str, fail_max: int, reset_seconds: float, redis_url: str = "", namespace: str
) -> SharedBreaker:
    """A breaker whose state lives in Redis when `redis_url` is given, in memory otherwise.
    Breakers built with the same Redis and namespace share one state, across processes."""
    storage = _storage(redis_url, namespace)
    breaker = pybreaker.CircuitBreaker(
        fail_max=fail_max, reset_timeout=reset_seconds, state_storage=storage, name=name
    )
    return SharedBreaker(breaker=breaker, storage=storage)


def _storage(redis_url: str, namespace: str) -> pybreaker.CircuitBreakerStorage:
    if not redis_url:
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
    # Short timeouts: the breaker must never become the slow part of a call. While Redis is
    # unreachable pybreaker reads the state as closed, so calls go on without protection.
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=namespace)
    except redis.RedisError:
        logger.warning(
            "Redis is unreachable: the circuit breaker %s keeps its state in this process only "
            "until reset_breakers() or a restart.",
            namespace,
            exc_info=True,
        )
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


# --- One breaker per remote context, per process ------------------------------------------------

_lock = threading.Lock()
# Keyed by context and configuration, so changed settings take effect without a restart.
_breakers: dict[tuple[str, int, float, str], SharedBreaker] = {}


def breaker_for(context: str) -> SharedBreaker:
    config = remote_settings()
    key = (context, config.breaker_fail_max, config.breaker_reset_seconds, config.breaker_redis_url)
    with _lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = shared_breaker(
                name=f"remote-api.{context}",
                fail_max=config.breaker_fail_max,
                reset_seconds=config.breaker_reset_seconds,
                redis_url=config.breaker_redis_url,
                namespace=f"{NAMESPACE_PREFIX}:{context}",
            )
        return breaker


def reset_breakers() -> None:
    """Close every remote context's circuit (in Redis too, for every process) and forget the
    breakers. For tests, and for operators after an incident."""
    with _lock:
        for breaker in _breakers.values():
            breaker.close()
        _breakers.clear()
