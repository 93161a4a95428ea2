"""Saved payment methods and one payment per order.

Orders and customers belong to other contexts: they are referenced by id only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from modulith.contexts.choices import Codes

DEFAULT_CURRENCY = "EUR"

# Payment ids are derived from the order id, so the id (and the provider idempotency keys built
# from it) stays the same when a handler's transaction rolls back and the event is redelivered.
PAYMENT_ID_NAMESPACE = uuid.UUID("5b0c7c1e-8d0e-4f7a-9a57-6f0c8a2d7e31")


def payment_id_for(order_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(PAYMENT_ID_NAMESPACE, str(order_id))


class PaymentMethod(models.Model):
    """A card a customer saved, known to us only by the provider's token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer_id = models.UUIDField()
    token = models.CharField(max_length=100)
    # What the customer sees to recognise the card; never enough to charge it.
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer_id", "-created_at"], name="pm_customer_idx")]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class PaymentStatus(Codes):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    FAILED = "failed"
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"
    # The order was rejected or cancelled before its OrderPlaced reached us: a tombstone that
    # stops a late OrderPlaced from authorizing anything. No money ever moved.
    ABANDONED = "abandoned"


class FailureReason(Codes):
    DECLINED = "declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    UNKNOWN_PAYMENT_METHOD = "unknown_payment_method"


class Payment(models.Model):
    """The money side of one order: authorized at placement, captured at confirmation, voided
    or refunded when the order does not go through. One row per order; handlers lock it to
    serialise the events of that order."""

    id = models.UUIDField(primary_key=True, editable=False)
    order_id = models.UUIDField(unique=True)
    customer_id = models.UUIDField()
    payment_method = models.ForeignKey(
        PaymentMethod, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    # Null only on an abandoned tombstone, which never learnt the order's total.
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField(max_length=32, choices=FailureReason.choices, blank=True)
    failure_detail = models.CharField(max_length=500, blank=True)
    # The provider's id of the authorization; capture, void and refund refer to it.
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer_id", "-created_at"], name="payment_customer_idx")]

    def __str__(self) -> str:
        return f"payment {self.id} of order {self.order_id} ({self.status})"
