"""Timeout and circuit breaker around any provider adapter.

Every call runs in a worker thread and is abandoned after PAYMENTS_PROVIDER_TIMEOUT_SECONDS, even
if the adapter forgot its own timeouts, so a hanging provider can hold a caller (and the
database transaction an event handler runs in) for a bounded time only. The abandoned thread
finishes on its own; idempotency keys make any late effect at the provider harmless to repeat.

Timeouts and other failures count toward the breaker; once it opens, calls fail at once with
ProviderUnavailable instead of waiting for the timeout again and again.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import pybreaker

from contexts.payments.providers.base import (
    CardDetails,
    PaymentProvider,
    ProviderReceipt,
    ProviderUnavailable,
)
from modulith.events.recovery.sideeffects import external_call

T = TypeVar("T")

# Bounded, so a provider that hangs ties up a fixed number of threads; once they are all busy
# further calls time out in the queue, count as failures and open the circuit.
_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="payments-provider")


@dataclass(frozen=True)
class GuardedProvider:
    """A PaymentProvider that wraps another with a timeout and a circuit breaker."""

    inner: PaymentProvider
    breaker: pybreaker.CircuitBreaker
    timeout_seconds: float

    def describe_card(self, *, token: str) -> CardDetails:
        return self._call(lambda: self.inner.describe_card(token=token))

    def authorize(
        self, *, idempotency_key: str, token: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        return self._call(
            lambda: self.inner.authorize(
                idempotency_key=idempotency_key, token=token, amount=amount, currency=currency
            )
        )

    def capture(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        return self._call(
            lambda: self.inner.capture(
                idempotency_key=idempotency_key,
                reference=reference,
                amount=amount,
                currency=currency,
            )
        )

    def void(self, *, idempotency_key: str, reference: str) -> ProviderReceipt:
        return self._call(
            lambda: self.inner.void(idempotency_key=idempotency_key, reference=reference)
        )

    def refund(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        return self._call(
            lambda: self.inner.refund(
                idempotency_key=idempotency_key,
                reference=reference,
                amount=amount,
                currency=currency,
            )
        )

    def _call(self, operation: Callable[[], T]) -> T:
        # A dry run of a payments handler stops here rather than charge anybody.
        external_call("a call to the payment provider")
        try:
            return self.breaker.call(self._within_timeout, operation)
        except pybreaker.CircuitBreakerError as open_circuit:
            raise ProviderUnavailable(f"The payment provider is failing: {open_circuit}") from None

    def _within_timeout(self, operation: Callable[[], T]) -> T:
        future = _executor.submit(operation)
        try:
            return future.result(timeout=self.timeout_seconds)
        except FutureTimeout:
            future.cancel()  # drops it if still queued; a running call finishes on its own
            raise ProviderUnavailable(
                f"The payment provider did not answer within {self.timeout_seconds:g}s."
            ) from None
