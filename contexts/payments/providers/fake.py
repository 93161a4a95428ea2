"""A deterministic provider for development, tests and demos: the card token decides the outcome.

    tok_visa                succeeds
    tok_declined            declined ("declined")
    tok_insufficient_funds  declined ("insufficient_funds")
    tok_unavailable         never answers in time (sleeps past the call timeout, then gives up)

References are derived from the idempotency key, so a repeated call returns the same receipt:
the fake is idempotent the way a real provider's API is.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from contexts.payments.providers.base import (
    CardDetails,
    ProviderDeclined,
    ProviderReceipt,
    ProviderUnavailable,
    UnknownToken,
)

TOK_VISA = "tok_visa"
TOK_DECLINED = "tok_declined"
TOK_INSUFFICIENT_FUNDS = "tok_insufficient_funds"
TOK_UNAVAILABLE = "tok_unavailable"

# The last digits mirror the well-known test card numbers for each outcome.
TEST_CARDS = {
    TOK_VISA: CardDetails(brand="visa", last4="4242"),
    TOK_DECLINED: CardDetails(brand="visa", last4="0002"),
    TOK_INSUFFICIENT_FUNDS: CardDetails(brand="visa", last4="9995"),
    TOK_UNAVAILABLE: CardDetails(brand="visa", last4="0119"),
}

# token: (reason, detail)
_DECLINES = {
    TOK_DECLINED: ("declined", "The card was declined."),
    TOK_INSUFFICIENT_FUNDS: ("insufficient_funds", "The card has insufficient funds."),
}

_REFERENCES = uuid.UUID("0f4a3c52-61b4-4c8e-9d0b-1f3b7c0d9a64")


@dataclass(frozen=True)
class FakeProvider:
    """`latency_seconds` delays every call; `hang_seconds` is how long tok_unavailable keeps the
    caller waiting (longer than the caller's timeout, but bounded, so no thread sleeps forever)."""

    latency_seconds: float = 0.0
    hang_seconds: float = 5.0

    def describe_card(self, *, token: str) -> CardDetails:
        self._wait()
        try:
            return TEST_CARDS[token]
        except KeyError:
            raise UnknownToken(token) from None

    def authorize(
        self, *, idempotency_key: str, token: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        self._wait()
        if token not in TEST_CARDS:
            raise ProviderDeclined("declined", "The provider does not know this card.")
        if token in _DECLINES:
            raise ProviderDeclined(*_DECLINES[token])
        if token == TOK_UNAVAILABLE:
            time.sleep(self.hang_seconds)
            raise ProviderUnavailable(f"No answer within {self.hang_seconds:.2f}s.")
        return self._receipt("auth", idempotency_key)

    def capture(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        self._wait()
        return self._receipt("capture", idempotency_key)

    def void(self, *, idempotency_key: str, reference: str) -> ProviderReceipt:
        self._wait()
        return self._receipt("void", idempotency_key)

    def refund(
        self, *, idempotency_key: str, reference: str, amount: Decimal, currency: str
    ) -> ProviderReceipt:
        self._wait()
        return self._receipt("refund", idempotency_key)

    def _wait(self) -> None:
        if self.latency_seconds > 0:
            time.sleep(self.latency_seconds)

    @staticmethod
    def _receipt(kind: str, idempotency_key: str) -> ProviderReceipt:
        return ProviderReceipt(
            reference=f"fake_{kind}_{uuid.uuid5(_REFERENCES, idempotency_key).hex}"
        )
