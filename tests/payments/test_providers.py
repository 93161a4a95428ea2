"""The fake provider's outcomes and the guard's timeout. Unit tests: no database."""

from __future__ import annotations

import time
from decimal import Decimal

import pybreaker
import pytest
from pytest_django.fixtures import Settings

from contexts.payments.providers import (
    CardDetails,
    FakeProvider,
    ProviderDeclined,
    ProviderUnavailable,
    UnknownToken,
    get_provider,
)
from contexts.payments.providers.fake import (
    TOK_DECLINED,
    TOK_INSUFFICIENT_FUNDS,
    TOK_UNAVAILABLE,
    TOK_VISA,
)
from contexts.payments.providers.guarded import GuardedProvider

AMOUNT = Decimal("29.90")


def authorize(provider: object, token: str, key: str = "payment-1:authorize") -> object:
    return provider.authorize(  # type: ignore[attr-defined]
        idempotency_key=key, token=token, amount=AMOUNT, currency="EUR"
    )


def guarded(inner: object, *, timeout: float = 0.2) -> GuardedProvider:
    breaker = pybreaker.CircuitBreaker(fail_max=100, reset_timeout=30)
    return GuardedProvider(inner=inner, breaker=breaker, timeout_seconds=timeout)  # type: ignore[arg-type]


def test_a_visa_token_is_authorized() -> None:
    receipt = authorize(FakeProvider(), TOK_VISA)

    assert receipt.reference.startswith("fake_auth_")  # type: ignore[attr-defined]


def test_the_same_idempotency_key_returns_the_same_authorization() -> None:
    provider = FakeProvider()

    first = authorize(provider, TOK_VISA, key="payment-1:authorize")
    again = authorize(provider, TOK_VISA, key="payment-1:authorize")
    other = authorize(provider, TOK_VISA, key="payment-2:authorize")

    assert first == again
    assert other != first


def test_a_declined_token_is_declined_with_reason_declined() -> None:
    with pytest.raises(ProviderDeclined) as declined:
        authorize(FakeProvider(), TOK_DECLINED)

    assert declined.value.reason == "declined"


def test_an_insufficient_funds_token_is_declined_with_reason_insufficient_funds() -> None:
    with pytest.raises(ProviderDeclined) as declined:
        authorize(FakeProvider(), TOK_INSUFFICIENT_FUNDS)

    assert declined.value.reason == "insufficient_funds"


def test_an_unavailable_token_hangs_then_gives_up_after_its_bounded_sleep() -> None:
    started = time.monotonic()

    with pytest.raises(ProviderUnavailable):
        authorize(FakeProvider(hang_seconds=0.05), TOK_UNAVAILABLE)

    assert time.monotonic() - started >= 0.05


def test_the_guard_abandons_a_call_that_outlasts_the_timeout() -> None:
    provider = guarded(FakeProvider(hang_seconds=2.0), timeout=0.1)
    started = time.monotonic()

    with pytest.raises(ProviderUnavailable, match=r"did not answer within 0\.1s"):
        authorize(provider, TOK_UNAVAILABLE)

    assert time.monotonic() - started < 1.0


def test_the_guard_passes_answers_and_declines_through() -> None:
    provider = guarded(FakeProvider())

    receipt = authorize(provider, TOK_VISA)
    with pytest.raises(ProviderDeclined):
        authorize(provider, TOK_DECLINED)

    assert receipt == authorize(FakeProvider(), TOK_VISA)


def test_latency_delays_every_call() -> None:
    started = time.monotonic()

    authorize(FakeProvider(latency_seconds=0.05), TOK_VISA)

    assert time.monotonic() - started >= 0.05


def test_latency_beyond_the_timeout_makes_the_provider_unavailable() -> None:
    provider = guarded(FakeProvider(latency_seconds=0.5), timeout=0.05)

    with pytest.raises(ProviderUnavailable):
        authorize(provider, TOK_VISA)


def test_cards_are_described_by_brand_and_last_digits() -> None:
    assert FakeProvider().describe_card(token=TOK_VISA) == CardDetails(brand="visa", last4="4242")


def test_an_unknown_token_cannot_be_described() -> None:
    with pytest.raises(UnknownToken):
        FakeProvider().describe_card(token="tok_nonsense")


def test_capture_void_and_refund_succeed_idempotently() -> None:
    provider = FakeProvider()

    captured = provider.capture(
        idempotency_key="p:capture", reference="auth", amount=AMOUNT, currency="EUR"
    )
    voided = provider.void(idempotency_key="p:void", reference="auth")
    refunded = provider.refund(
        idempotency_key="p:refund", reference="auth", amount=AMOUNT, currency="EUR"
    )

    assert captured.reference.startswith("fake_capture_")
    assert voided.reference.startswith("fake_void_")
    assert refunded.reference.startswith("fake_refund_")
    assert refunded == provider.refund(
        idempotency_key="p:refund", reference="auth", amount=AMOUNT, currency="EUR"
    )


def test_the_configured_provider_reads_its_timeout_and_latency_from_settings(
    settings: Settings,
) -> None:
    settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS = 0.3
    settings.PAYMENTS_FAKE_LATENCY_MS = 40

    provider = get_provider()

    assert isinstance(provider, GuardedProvider)
    assert provider.timeout_seconds == 0.3
    assert provider.inner == FakeProvider(latency_seconds=0.04, hang_seconds=0.7)
