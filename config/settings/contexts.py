"""Settings that belong to one context each, named with the context's prefix."""

from __future__ import annotations

from datetime import timedelta

from config.settings.environment import env

# Payments: the provider call's timeout, the fake provider's latency, and the circuit breaker
# (shared through Redis when REDIS_URL is set, so every process sees the same state).
PAYMENTS_PROVIDER_TIMEOUT_SECONDS = env.float("PAYMENTS_PROVIDER_TIMEOUT_SECONDS", default=2.0)
PAYMENTS_FAKE_LATENCY_MS = env.int("PAYMENTS_FAKE_LATENCY_MS", default=0)
PAYMENTS_BREAKER_FAIL_MAX = env.int("PAYMENTS_BREAKER_FAIL_MAX", default=5)
PAYMENTS_BREAKER_RESET_SECONDS = env.float("PAYMENTS_BREAKER_RESET_SECONDS", default=30.0)

# Inventory: how long stock is held for a pending order before it is released.
INVENTORY_RESERVATION_TTL = timedelta(
    seconds=env.int("INVENTORY_RESERVATION_TTL_SECONDS", default=900)
)
