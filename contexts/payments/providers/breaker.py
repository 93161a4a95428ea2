"""The circuit breaker in front of the payment provider, shared by every process.

A breaker kept in one process's memory would let each gunicorn or Celery worker discover an
outage on its own and keep hammering the provider. With REDIS_URL set, the state and counters
live in Redis, so one worker's failures open the circuit for all of them; without Redis (the
embedded default: one process) memory storage is enough. modulith.remote.breakers builds such
breakers for every remote context; payments uses the same builder and adds its declines to the
exceptions the breaker ignores.

Settings, read when the breaker is first built (reset_breaker() rebuilds it):
    PAYMENTS_BREAKER_FAIL_MAX       consecutive failures that open the circuit (default 5)
    PAYMENTS_BREAKER_RESET_SECONDS  how long it stays open before one trial call (default 30)
"""

from __future__ import annotations

import threading

import pybreaker
from django.conf import settings

from contexts.payments.providers.base import ProviderDeclined, UnknownToken
from modulith.remote.breakers import shared_breaker

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
    # GuardedProvider guards each call with pybreaker's own call(), so it needs the breaker
    # itself, not modulith's SharedBreaker wrapper (which reports outcomes around a call).
    breaker = shared_breaker(
        name=NAME,
        fail_max=fail_max,
        reset_seconds=reset_seconds,
        redis_url=redis_url,
        namespace=namespace,
    ).breaker
    breaker.add_excluded_exceptions(*BUSINESS_OUTCOMES)
    return breaker


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
