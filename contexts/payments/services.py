"""Write use cases of payments: saving cards, and the payment of each order.

Provider calls never run inside a transaction of ours. A use case that talks to the provider is
three steps: decide under a row lock (short transaction), call the provider (no writes of ours
open), record the outcome and publish its event (second short transaction). When a handler
calls one of them, modulith has already opened the delivery transaction around it; why that is
acceptable, and what it costs, is in docs/decisions/0005-payments-provider-calls.md.

Every operation sends an idempotency key derived from the payment id, which is itself derived
from the order id: a call repeated after a rollback or a redelivery never moves money twice.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.payments import database
from contexts.payments.events import (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from contexts.payments.models import (
    FailureReason,
    Payment,
    PaymentMethod,
    PaymentStatus,
    payment_id_for,
)
from contexts.payments.providers import ProviderDeclined, ProviderUnavailable, get_provider
from contexts.payments.selectors import payment_method_get
from modulith import publish

logger = logging.getLogger(__name__)


class PaymentNotSettledYet(RuntimeError):
    """The order's authorization has not been recorded yet. Transient: try again later."""

    def __init__(self, order_id: UUID) -> None:
        super().__init__(f"The payment of order {order_id} is not authorized yet; retry later.")


class PaymentNotCapturable(Exception):
    """The order was confirmed but its money cannot be captured. Retrying cannot help."""


class PaymentNotReversible(Exception):
    """The provider refuses to void or refund. Retrying cannot help: a person must look."""


# --- Payment methods ----------------------------------------------------------------------------


def payment_method_create(*, customer_id: UUID, token: str) -> PaymentMethod:
    """Save a card for a customer. Raises UnknownToken, or ProviderUnavailable when the provider
    cannot describe the card now. The provider is asked before, not inside, the transaction."""
    card = get_provider().describe_card(token=token)
    return _payment_method_save(
        customer_id=customer_id, token=token, brand=card.brand, last4=card.last4
    )


@database.atomic
def _payment_method_save(*, customer_id: UUID, token: str, brand: str, last4: str) -> PaymentMethod:
    return PaymentMethod.objects.create(
        customer_id=customer_id, token=token, brand=brand, last4=last4
    )


# --- Payments of orders -------------------------------------------------------------------------


def payment_authorize(
    *,
    order_id: UUID,
    customer_id: UUID,
    payment_method_id: UUID,
    amount: Decimal,
    currency: str,
) -> Payment:
    """Authorize an order's total, once per order. Publishes PaymentAuthorized or PaymentFailed.

    Does nothing when the payment is already decided (a redelivered OrderPlaced) or when the
    order was rejected or cancelled before this OrderPlaced arrived (the tombstone).
    """
    still_locked = _locks_outlive_steps()
    payment = _payment_open(
        order_id=order_id,
        customer_id=customer_id,
        payment_method_id=payment_method_id,
        amount=amount,
        currency=currency,
    )
    if payment.status != PaymentStatus.PENDING:
        return payment
    if payment.payment_method is None:
        return _payment_fail(
            payment,
            still_locked=still_locked,
            reason=FailureReason.UNKNOWN_PAYMENT_METHOD,
            detail="The payment method does not exist or belongs to another customer.",
        )
    assert payment.amount is not None  # only tombstones lack an amount, and they are not pending
    try:
        receipt = get_provider().authorize(
            idempotency_key=_key(payment, "authorize"),
            token=payment.payment_method.token,
            amount=payment.amount,
            currency=payment.currency,
        )
    except ProviderDeclined as declined:
        return _payment_fail(
            payment,
            still_locked=still_locked,
            reason=_failure_reason(declined),
            detail=declined.detail,
        )
    except ProviderUnavailable as unavailable:
        # Failing now, rather than retrying for minutes, lets the order be rejected promptly
        # ("payment_unavailable") instead of hanging in pending.
        return _payment_fail(
            payment,
            still_locked=still_locked,
            reason=FailureReason.PROVIDER_UNAVAILABLE,
            detail=str(unavailable),
        )
    return _payment_record(
        payment,
        still_locked=still_locked,
        expected=PaymentStatus.PENDING,
        status=PaymentStatus.AUTHORIZED,
        provider_reference=receipt.reference,
    )


def payment_capture(*, order_id: UUID) -> Payment:
    """Take the authorized money of a confirmed order. Publishes PaymentCaptured.

    Raises PaymentNotSettledYet (retry later) while no authorization is recorded,
    PaymentNotCapturable when the payment failed or the provider refuses the capture, and
    ProviderUnavailable (retry later) when the provider does not answer.
    """
    still_locked = _locks_outlive_steps()
    payment = _payment_locked(order_id=order_id)
    if payment is None or payment.status == PaymentStatus.PENDING:
        raise PaymentNotSettledYet(order_id)
    if payment.status == PaymentStatus.FAILED:
        raise PaymentNotCapturable(
            f"Order {order_id} was confirmed, but its payment failed ({payment.failure_reason})."
        )
    if payment.status != PaymentStatus.AUTHORIZED:
        # Captured already (a redelivery), or voided/refunded/abandoned because the order's
        # cancellation overtook its confirmation: nothing left to capture.
        return payment
    assert payment.amount is not None
    try:
        get_provider().capture(
            idempotency_key=_key(payment, "capture"),
            reference=payment.provider_reference,
            amount=payment.amount,
            currency=payment.currency,
        )
    except ProviderDeclined as declined:
        raise PaymentNotCapturable(
            f"The provider refused to capture order {order_id}: {declined.detail}"
        ) from declined
    return _payment_record(
        payment,
        still_locked=still_locked,
        expected=PaymentStatus.AUTHORIZED,
        status=PaymentStatus.CAPTURED,
    )


def payment_reverse(*, order_id: UUID, customer_id: UUID) -> Payment:
    """Give an order's money back because the order was rejected or cancelled: void an
    authorization (PaymentVoided), refund a capture (PaymentRefunded).

    If the order's OrderPlaced has not reached payments yet, leave a tombstone so that it never
    authorizes. Raises PaymentNotSettledYet while an authorization is in flight,
    PaymentNotReversible when the provider refuses, and ProviderUnavailable (retry later) when
    the provider does not answer.
    """
    still_locked = _locks_outlive_steps()
    payment = _payment_locked_or_tombstone(order_id=order_id, customer_id=customer_id)
    if payment.status == PaymentStatus.PENDING:
        raise PaymentNotSettledYet(order_id)
    provider = get_provider()
    try:
        if payment.status == PaymentStatus.AUTHORIZED:
            provider.void(
                idempotency_key=_key(payment, "void"), reference=payment.provider_reference
            )
            return _payment_record(
                payment,
                still_locked=still_locked,
                expected=PaymentStatus.AUTHORIZED,
                status=PaymentStatus.VOIDED,
            )
        if payment.status == PaymentStatus.CAPTURED:
            assert payment.amount is not None
            provider.refund(
                idempotency_key=_key(payment, "refund"),
                reference=payment.provider_reference,
                amount=payment.amount,
                currency=payment.currency,
            )
            return _payment_record(
                payment,
                still_locked=still_locked,
                expected=PaymentStatus.CAPTURED,
                status=PaymentStatus.REFUNDED,
            )
    except ProviderDeclined as declined:
        raise PaymentNotReversible(
            f"The provider refused to give back the payment of order {order_id}: {declined.detail}"
        ) from declined
    # failed, voided, refunded or abandoned: no money is held, nothing to give back.
    return payment


# --- Steps --------------------------------------------------------------------------------------


@database.atomic
def _payment_open(
    *,
    order_id: UUID,
    customer_id: UUID,
    payment_method_id: UUID,
    amount: Decimal,
    currency: str,
) -> Payment:
    """The order's payment, locked; created pending on first sight. A card that is not the
    customer's is not attached, which makes the authorization fail."""
    payment = _payment_row_locked(order_id=order_id)
    if payment is not None:
        return payment
    return _payment_insert(
        order_id=order_id,
        customer_id=customer_id,
        payment_method=payment_method_get(
            payment_method_id=payment_method_id, customer_id=customer_id
        ),
        amount=amount,
        currency=currency,
        status=PaymentStatus.PENDING,
    )


@database.atomic
def _payment_locked(*, order_id: UUID) -> Payment | None:
    return _payment_row_locked(order_id=order_id)


@database.atomic
def _payment_locked_or_tombstone(*, order_id: UUID, customer_id: UUID) -> Payment:
    """The order's payment, locked; if payments never saw the order, a new abandoned tombstone."""
    payment = _payment_row_locked(order_id=order_id)
    if payment is not None:
        return payment
    return _payment_insert(
        order_id=order_id, customer_id=customer_id, status=PaymentStatus.ABANDONED
    )


def _payment_row_locked(*, order_id: UUID) -> Payment | None:
    # order_id is unique: get() asks for the one row without the ORDER BY .first() would add.
    try:
        return Payment.objects.select_for_update().get(order_id=order_id)
    except Payment.DoesNotExist:
        return None


def _locks_outlive_steps() -> bool:
    """Whether the use case runs inside a transaction its caller opened (a handler's delivery
    transaction): then the row lock its first step takes is held until the caller commits, and
    no other worker can move the payment between the decision and the record."""
    return database.in_transaction()


def _payment_insert(*, order_id: UUID, **fields: object) -> Payment:
    payment = Payment(id=payment_id_for(order_id), order_id=order_id, **fields)
    try:
        # The unique order_id is what serialises concurrent first events of one order; the
        # savepoint keeps the surrounding transaction usable after losing that race.
        with transaction.atomic(using=database.alias()):
            payment.save(force_insert=True)
    except IntegrityError:
        return Payment.objects.select_for_update().get(order_id=order_id)
    return payment


def _payment_fail(
    payment: Payment, *, still_locked: bool, reason: FailureReason, detail: str
) -> Payment:
    return _payment_record(
        payment,
        still_locked=still_locked,
        expected=PaymentStatus.PENDING,
        status=PaymentStatus.FAILED,
        failure_reason=reason,
        failure_detail=detail[:500],
    )


@database.atomic
def _payment_record(
    payment: Payment,
    *,
    still_locked: bool,
    expected: PaymentStatus,
    status: PaymentStatus,
    **changes: str,
) -> Payment:
    """Move the payment from `expected` to `status` and publish the matching event. If another
    worker moved it meanwhile, keep its decision and publish nothing. When the first step's
    lock is `still_locked`, no other worker can have: the row read then is the row now."""
    current = payment if still_locked else Payment.objects.select_for_update().get(pk=payment.pk)
    if current.status != expected:
        logger.error(
            "payment %s of order %s became %s while this worker took it from %s to %s; kept %s "
            "(provider reference %s may need manual attention)",
            current.id,
            current.order_id,
            current.status,
            expected,
            status,
            current.status,
            changes.get("provider_reference", current.provider_reference),
        )
        return current
    for field, value in changes.items():
        setattr(current, field, value)
    current.status = status
    # updated_at is auto_now, and update_fields writes it only when it is named.
    current.save(update_fields=["status", *changes, "updated_at"])
    publish(_event_for(current))
    return current


def _event_for(payment: Payment) -> object:
    now = timezone.now()
    if payment.status == PaymentStatus.FAILED:
        return PaymentFailed(
            order_id=payment.order_id,
            reason=payment.failure_reason,
            detail=payment.failure_detail,
            failed_at=now,
        )
    if payment.status == PaymentStatus.VOIDED:
        return PaymentVoided(payment_id=payment.id, order_id=payment.order_id, voided_at=now)
    assert payment.amount is not None
    if payment.status == PaymentStatus.AUTHORIZED:
        return PaymentAuthorized(
            payment_id=payment.id,
            order_id=payment.order_id,
            amount=payment.amount,
            currency=payment.currency,
            authorized_at=now,
        )
    if payment.status == PaymentStatus.CAPTURED:
        return PaymentCaptured(
            payment_id=payment.id,
            order_id=payment.order_id,
            amount=payment.amount,
            currency=payment.currency,
            captured_at=now,
        )
    if payment.status == PaymentStatus.REFUNDED:
        return PaymentRefunded(
            payment_id=payment.id,
            order_id=payment.order_id,
            amount=payment.amount,
            currency=payment.currency,
            refunded_at=now,
        )
    raise ValueError(f"No event announces a payment becoming {payment.status}.")


def _failure_reason(declined: ProviderDeclined) -> FailureReason:
    if declined.reason == FailureReason.INSUFFICIENT_FUNDS:
        return FailureReason.INSUFFICIENT_FUNDS
    return FailureReason.DECLINED


def _key(payment: Payment, operation: str) -> str:
    return f"{payment.id}:{operation}"
