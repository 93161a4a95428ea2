"""Reads of the payments context."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from contexts.payments.models import Payment, PaymentMethod, PaymentStatus
from modulith.http.scope import Scope


class PaymentNotFound(LookupError):
    pass


def payment_method_list(*, customer_id: UUID) -> QuerySet[PaymentMethod]:
    """A customer's saved cards, newest first."""
    return PaymentMethod.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")


def payment_method_get(*, payment_method_id: UUID, customer_id: UUID) -> PaymentMethod | None:
    """The card, if it is this customer's; None for an unknown card or somebody else's."""
    return PaymentMethod.objects.filter(id=payment_method_id, customer_id=customer_id).first()


def payment_list(*, scope: Scope) -> QuerySet[Payment]:
    """The payments in `scope`, newest first. Tombstones of orders that never reached payments
    are no payments and stay hidden."""
    payments = scope.limit(Payment.objects.exclude(status=PaymentStatus.ABANDONED))
    return payments.select_related("payment_method").order_by("-created_at", "-id")


def payment_get(*, payment_id: UUID, scope: Scope) -> Payment:
    """One payment in `scope`. Raises PaymentNotFound, also for somebody else's, so that ids of
    other customers' payments cannot be probed."""
    payment = payment_list(scope=scope).filter(id=payment_id).first()
    if payment is None:
        raise PaymentNotFound(payment_id)
    return payment
