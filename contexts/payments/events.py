"""Events published by the payments context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from modulith import event


@event("shop.payments.payment.authorized.v1", subject="order_id")
@dataclass(frozen=True)
class PaymentAuthorized:
    payment_id: UUID
    order_id: UUID
    amount: Decimal
    currency: str
    authorized_at: datetime


@event("shop.payments.payment.failed.v1", subject="order_id")
@dataclass(frozen=True)
class PaymentFailed:
    """Authorization did not happen. `reason`: declined | insufficient_funds | provider_unavailable
    | unknown_payment_method."""

    order_id: UUID
    reason: str
    detail: str
    failed_at: datetime


@event("shop.payments.payment.captured.v1", subject="order_id")
@dataclass(frozen=True)
class PaymentCaptured:
    payment_id: UUID
    order_id: UUID
    amount: Decimal
    currency: str
    captured_at: datetime


@event("shop.payments.payment.voided.v1", subject="order_id")
@dataclass(frozen=True)
class PaymentVoided:
    payment_id: UUID
    order_id: UUID
    voided_at: datetime


@event("shop.payments.payment.refunded.v1", subject="order_id")
@dataclass(frozen=True)
class PaymentRefunded:
    payment_id: UUID
    order_id: UUID
    amount: Decimal
    currency: str
    refunded_at: datetime
