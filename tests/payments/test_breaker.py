"""The circuit breaker in front of the provider: opens, fails fast, recovers, shared via Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pybreaker
import pytest
import redis
from pytest_django.fixtures import Settings

from contexts.payments.providers import (
    FakeProvider,
    ProviderDeclined,
    ProviderReceipt,
    ProviderUnavailable,
)
from contexts.payments.providers.breaker import build_breaker, get_breaker, reset_breaker
from contexts.payments.providers.fake import TOK_DECLINED, TOK_VISA
from contexts.payments.providers.guarded import GuardedProvider


@dataclass
class FlakyProvider:
    """Authorizations fail while `down` is true; counts the calls that reach it."""

    down: bool = True
    calls: list[str] = field(default_factory=list)

    def authorize(
        self, *, idempotency_key: str, token: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        self.calls.append(idempotency_key)
        if self.down:
            raise ProviderUnavailable("connection refused")
        return FakeProvider().authorize(
            idempotency_key=idempotency_key, token=token, amount=amount, currency=currency
        )


def authorize(provider: GuardedProvider, token: str = TOK_VISA) -> ProviderReceipt:
    return provider.authorize(
        idempotency_key=str(uuid.uuid4()), token=token, amount=Decimal("10.00"), currency="EUR"
    )


def fail_times(provider: GuardedProvider, count: int) -> None:
    for _ in range(count):
        with pytest.raises(ProviderUnavailable):
            authorize(provider)


def guarded(inner: object, breaker: pybreaker.CircuitBreaker) -> GuardedProvider:
    return GuardedProvider(inner=inner, breaker=breaker, timeout_seconds=0.5)  # type: ignore[arg-type]


def test_the_breaker_opens_after_fail_max_consecutive_failures() -> None:
    breaker = build_breaker(fail_max=3, reset_seconds=30)
    provider = guarded(FlakyProvider(), breaker)

    fail_times(provider, 3)

    assert breaker.current_state == pybreaker.STATE_OPEN


def test_an_open_breaker_fails_fast_without_calling_the_provider() -> None:
    inner = FlakyProvider()
    provider = guarded(inner, build_breaker(fail_max=2, reset_seconds=30))
    fail_times(provider, 2)
    inner.calls.clear()
    started = time.monotonic()

    with pytest.raises(ProviderUnavailable, match="failing"):
        authorize(provider)

    assert inner.calls == []
    assert time.monotonic() - started < 0.1


def test_declines_do_not_count_as_failures() -> None:
    breaker = build_breaker(fail_max=2, reset_seconds=30)
    provider = guarded(FakeProvider(), breaker)

    for _ in range(5):
        with pytest.raises(ProviderDeclined):
            authorize(provider, TOK_DECLINED)

    assert breaker.current_state == pybreaker.STATE_CLOSED
    assert breaker.fail_counter == 0


def test_timeouts_count_as_failures() -> None:
    breaker = build_breaker(fail_max=2, reset_seconds=30)
    provider = GuardedProvider(
        inner=FakeProvider(latency_seconds=0.3), breaker=breaker, timeout_seconds=0.02
    )

    fail_times(provider, 2)

    assert breaker.current_state == pybreaker.STATE_OPEN


def test_after_the_reset_timeout_a_successful_trial_call_closes_the_breaker() -> None:
    inner = FlakyProvider()
    breaker = build_breaker(fail_max=2, reset_seconds=0.2)
    provider = guarded(inner, breaker)
    fail_times(provider, 2)
    inner.down = False
    time.sleep(0.25)

    receipt = authorize(provider)

    assert receipt.reference.startswith("fake_auth_")
    assert breaker.current_state == pybreaker.STATE_CLOSED


def test_a_failed_trial_call_opens_the_breaker_again() -> None:
    inner = FlakyProvider()
    breaker = build_breaker(fail_max=2, reset_seconds=0.2)
    provider = guarded(inner, breaker)
    fail_times(provider, 2)
    time.sleep(0.25)

    fail_times(provider, 1)

    assert breaker.current_state == pybreaker.STATE_OPEN
    assert len(inner.calls) == 3


def test_the_process_breaker_uses_the_settings(settings: Settings) -> None:
    settings.PAYMENTS_BREAKER_FAIL_MAX = 7
    settings.PAYMENTS_BREAKER_RESET_SECONDS = 12
    reset_breaker()

    breaker = get_breaker()

    assert (breaker.fail_max, breaker.reset_timeout) == (7, 12.0)
    assert breaker is get_breaker()


def test_reset_breaker_closes_an_open_breaker() -> None:
    get_breaker().open()

    reset_breaker()

    assert get_breaker().current_state == pybreaker.STATE_CLOSED


# --- Shared state in Redis ----------------------------------------------------------------------


@pytest.fixture
def redis_namespace(redis_url: str) -> Iterator[str]:
    namespace = f"test:payments:{uuid.uuid4().hex}"
    yield namespace
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)


def test_breakers_sharing_redis_share_their_state(redis_url: str, redis_namespace: str) -> None:
    worker_a = build_breaker(
        fail_max=3, reset_seconds=30, redis_url=redis_url, namespace=redis_namespace
    )
    worker_b = build_breaker(
        fail_max=3, reset_seconds=30, redis_url=redis_url, namespace=redis_namespace
    )
    inner_b = FlakyProvider(down=False)

    fail_times(guarded(FlakyProvider(), worker_a), 3)

    assert worker_b.current_state == pybreaker.STATE_OPEN
    with pytest.raises(ProviderUnavailable, match="failing"):
        authorize(guarded(inner_b, worker_b))
    assert inner_b.calls == []


def test_failures_in_two_processes_add_up_in_redis(redis_url: str, redis_namespace: str) -> None:
    worker_a = build_breaker(
        fail_max=4, reset_seconds=30, redis_url=redis_url, namespace=redis_namespace
    )
    worker_b = build_breaker(
        fail_max=4, reset_seconds=30, redis_url=redis_url, namespace=redis_namespace
    )

    fail_times(guarded(FlakyProvider(), worker_a), 2)
    fail_times(guarded(FlakyProvider(), worker_b), 2)

    assert worker_a.current_state == pybreaker.STATE_OPEN


def test_a_redis_breaker_recovers_for_every_process(redis_url: str, redis_namespace: str) -> None:
    worker_a = build_breaker(
        fail_max=1, reset_seconds=1, redis_url=redis_url, namespace=redis_namespace
    )
    worker_b = build_breaker(
        fail_max=1, reset_seconds=1, redis_url=redis_url, namespace=redis_namespace
    )
    fail_times(guarded(FlakyProvider(), worker_a), 1)
    # Redis stores the opening time in whole seconds: wait past the next full second.
    time.sleep(2.1)

    authorize(guarded(FlakyProvider(down=False), worker_b))

    assert worker_a.current_state == pybreaker.STATE_CLOSED


def test_the_process_breaker_keeps_its_state_in_redis_when_redis_url_is_set(
    settings: Settings, redis_url: str
) -> None:
    settings.REDIS_URL = redis_url
    reset_breaker()

    breaker = get_breaker()

    assert isinstance(breaker._state_storage, pybreaker.CircuitRedisStorage)
    reset_breaker()


def test_an_unreachable_redis_falls_back_to_a_breaker_in_memory() -> None:
    breaker = build_breaker(fail_max=1, reset_seconds=30, redis_url="redis://127.0.0.1:1/0")

    assert isinstance(breaker._state_storage, pybreaker.CircuitMemoryStorage)
