"""Payment providers: the port (base), the fake used by default, and the guard (timeout and
circuit breaker, in guarded.py and breaker.py) every call goes through.

Settings (getattr defaults, so none is required):
    PAYMENTS_PROVIDER_TIMEOUT_SECONDS  abandon a provider call after this long (default 2)
    PAYMENTS_FAKE_LATENCY_MS           delay of every FakeProvider call (default 0)
    PAYMENTS_BREAKER_FAIL_MAX, PAYMENTS_BREAKER_RESET_SECONDS: see breaker.py
"""

from __future__ import annotations

from django.conf import settings

from contexts.payments.providers.base import (
    CardDetails,
    PaymentProvider,
    ProviderDeclined,
    ProviderReceipt,
    ProviderUnavailable,
    UnknownToken,
)
from contexts.payments.providers.fake import FakeProvider

# The fake's tok_unavailable hangs past the timeout, but never longer than this.
MAX_FAKE_HANG_SECONDS = 30.0


def get_provider() -> PaymentProvider:
    """The provider every payment operation uses, guarded by timeout and circuit breaker."""
    # The guard and its breaker load pybreaker, which loads tornado: imported by the first call,
    # so that a web process that never calls the provider does not hold them in memory.
    from contexts.payments.providers.breaker import get_breaker
    from contexts.payments.providers.guarded import GuardedProvider

    timeout = float(getattr(settings, "PAYMENTS_PROVIDER_TIMEOUT_SECONDS", 2))
    latency_ms = int(getattr(settings, "PAYMENTS_FAKE_LATENCY_MS", 0))
    fake = FakeProvider(
        latency_seconds=latency_ms / 1000,
        hang_seconds=min(timeout * 2 + 0.1, MAX_FAKE_HANG_SECONDS),
    )
    return GuardedProvider(inner=fake, breaker=get_breaker(), timeout_seconds=timeout)


__all__ = [
    "CardDetails",
    "FakeProvider",
    "PaymentProvider",
    "ProviderDeclined",
    "ProviderReceipt",
    "ProviderUnavailable",
    "UnknownToken",
    "get_provider",
]
