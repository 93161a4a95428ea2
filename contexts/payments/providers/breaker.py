"""The circuit breaker in front of the payment provider, shared by every process.

A breaker kept in one process's memory would let each gunicorn or Celery worker discover an
outage on its own and keep hammering the provider. With REDIS_URL set, the state and counters
live in Redis (pybreaker's CircuitRedisStorage), so one worker's failures open the circuit for
all of them. Without Redis (the embedded default: one process) memory storage is enough.

Settings, read when the breaker is first built (reset_breaker() rebuilds it):
    PAYMENTS_BREAKER_FAIL_MAX       consecutive failures that open the circuit (default 5)
    PAYMENTS_BREAKER_RESET_SECONDS  how long it stays open before one trial call (default 30)
"""

from __future__ import annotations

import logging
import threading

import pybreaker
import redis
from django.conf import settings

from contexts.payments.providers.base import ProviderDeclined, UnknownToken

logger = logging.getLogger(__name__)

NAME = "payments.provider"
REDIS_NAMESPACE = "shop:payments:provider"
# Declines and unknown tokens are answers from a healthy provider, not signs of an outage.
BUSINESS_OUTCOMES = (ProviderDeclined, UnknownToken)

_lock = threading.Lock()
_breaker: pybreaker.CircuitBreaker | None = None


def build_breaker(
    *, fail_max: int, reset_seconds: float, redis_url: str = "", namespace: str = REDIS_NAMESPACE
) -> pybreaker.CircuitBreaker:
    """A breaker whose state lives in Redis when `redis_url` is given, in memory otherwise.
    Breakers built with the same Redis and namespace share one state."""
    return pybreaker.CircuitBreaker(
        fail_max=fail_max,
        reset_timeout=reset_seconds,
        exclude=list(BUSINESS_OUTCOMES),
        state_storage=_storage(redis_url, namespace),
        name=NAME,
    )


def _storage(redis_url: str, namespace: str) -> pybreaker.CircuitBreakerStorage:
    if not redis_url:
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
    # Short timeouts: the breaker must never become the slow part of a payment. While Redis is
    # unreachable pybreaker reads the state as closed, so payments go on without protection.
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=namespace)
    except redis.RedisError:
        logger.warning(
            "Redis at REDIS_URL is unreachable: the payments circuit breaker keeps its state in "
            "this process only until reset_breaker() or a restart.",
            exc_info=True,
        )
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


def get_breaker() -> pybreaker.CircuitBreaker:
    """The process's breaker, built from settings on first use."""
    global _breaker
    with _lock:
        if _breaker is None:
            _breaker = build_breaker(
                fail_max=int(getattr(settings, "PAYMENTS_BREAKER_FAIL_MAX", 5)),
                reset_seconds=float(getattr(settings, "PAYMENTS_BREAKER_RESET_SECONDS", 30)),
                redis_url=getattr(settings, "REDIS_URL", ""),
            )
        return _breaker


def reset_breaker() -> None:
    """Close the circuit (in Redis too, for every process) and rebuild the breaker from the
    current settings on next use. For tests and for operators after an incident."""
    global _breaker
    with _lock:
        if _breaker is not None:
            _breaker.close()
        _breaker = None
