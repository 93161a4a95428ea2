"""The port every payment provider adapter implements, and the outcomes it reports.

Declines are business outcomes (the provider answered "no"); unavailability is a technical
failure (no usable answer). Only the latter may trip the circuit breaker or be retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class CardDetails:
    """What a customer may see of a saved card."""

    brand: str
    last4: str


@dataclass(frozen=True)
class ProviderReceipt:
    """The provider's acknowledgement of an operation. `reference` names the authorization that
    capture, void and refund act on."""

    reference: str


class UnknownToken(ValueError):
    """The provider does not know this card token."""

    def __init__(self, token: str) -> None:
        super().__init__(f"The payment provider does not know the token {token!r}.")
        self.token = token


class ProviderDeclined(Exception):
    """The provider refused the operation. `reason` is a stable code (declined,
    insufficient_funds…), `detail` a sentence for people."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail or reason


class ProviderUnavailable(Exception):
    """No usable answer: timeout, connection failure, 5xx, or the circuit breaker is open."""


class PaymentProvider(Protocol):
    """A payment service provider. Every money-moving call carries an idempotency key: calling
    again with the same key returns the first call's outcome and never moves money twice."""

    def describe_card(self, *, token: str) -> CardDetails:
        """Brand and last digits of a tokenised card. Raises UnknownToken."""
        ...

    def authorize(
        self, *, idempotency_key: str, token: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        """Reserve `amount` on the card. Raises ProviderDeclined or ProviderUnavailable."""
        ...

    def capture(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        """Take the money of an authorization."""
        ...

    def void(self, *, idempotency_key: str, reference: str) -> ProviderReceipt:
        """Give up an authorization that was never captured."""
        ...

    def refund(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        """Pay back captured money."""
        ...
