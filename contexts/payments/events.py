"""Events published by the payments context.

Every event but PaymentFailed names the payment and its order; one that moved money also says
how much. Those field groups are written once below, and each event adds the moment it
happened: a dataclass puts its base class's fields first, so the events' fields stay in the
order their committed contracts (contracts/events/) list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from modulith import event


@dataclass(frozen=True)
class _PaymentFact:
    """Which payment, of which order."""

    payment_id: UUID
    order_id: UUID


@dataclass(frozen=True)
class _MoneyMoved(_PaymentFact):
    """The amount the provider authorized, captured or refunded."""

    amount: Decimal
    currency: str


@event("shop.payments.payment.authorized.v1", subject="order_id")
class PaymentAuthorized(_MoneyMoved):
    authorized_at: datetime


@event("shop.payments.payment.failed.v1", subject="order_id")
class PaymentFailed:
    """Authorization did not happen. `reason`: declined | insufficient_funds | provider_unavailable
    | unknown_payment_method."""

    order_id: UUID
    reason: str
    detail: str
    failed_at: datetime


@event("shop.payments.payment.captured.v1", subject="order_id")
class PaymentCaptured(_MoneyMoved):
    captured_at: datetime


@event("shop.payments.payment.voided.v1", subject="order_id")
class PaymentVoided(_PaymentFact):
    voided_at: datetime


@event("shop.payments.payment.refunded.v1", subject="order_id")
class PaymentRefunded(_MoneyMoved):
    refunded_at: datetime
