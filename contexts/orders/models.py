"""Orders, their lines, their saga state and the idempotency keys of the requests that placed them.

Other contexts are referenced by id only (customer, payment method, reservation, payment,
shipment): their rows live in their own databases.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from modulith.contexts.choices import Codes

HALF_CENT = models.Value(Decimal("0.005"))


def money_field() -> models.DecimalField:
    """An amount in the order's currency, to the cent."""
    return models.DecimalField(max_digits=12, decimal_places=2)


class OrderStatus(Codes):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"


class StockStatus(Codes):
    PENDING = "pending"
    RESERVED = "reserved"
    FAILED = "failed"
    EXPIRED = "expired"
    RELEASED = "released"


class PaymentStatus(Codes):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    FAILED = "failed"
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"


class RejectionReason(Codes):
    OUT_OF_STOCK = "out_of_stock"
    PAYMENT_DECLINED = "payment_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PAYMENT_UNAVAILABLE = "payment_unavailable", "payment provider unavailable"
    RESERVATION_EXPIRED = "reservation_expired"


class Order(models.Model):
    """One customer's order: the prices it snapshotted at placement and where its saga stands."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer_id = models.UUIDField()
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )

    # The two parallel branches of the saga, joined into `status` (see services/saga.py).
    stock_status = models.CharField(
        max_length=16, choices=StockStatus.choices, default=StockStatus.PENDING
    )
    payment_status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    rejection_reason = models.CharField(max_length=32, choices=RejectionReason.choices, blank=True)
    rejection_detail = models.CharField(max_length=500, blank=True)

    currency = models.CharField(max_length=3)
    subtotal = money_field()
    shipping_cost = money_field()
    total = money_field()
    payment_method_id = models.UUIDField()

    shipping_name = models.CharField(max_length=200)
    shipping_line1 = models.CharField(max_length=200)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100)
    shipping_postal_code = models.CharField(max_length=20)
    shipping_country = models.CharField(max_length=2)

    # Ids the other contexts gave us, kept so support staff can follow the order across them.
    reservation_id = models.UUIDField(null=True, blank=True)
    payment_id = models.UUIDField(null=True, blank=True)
    shipment_id = models.UUIDField(null=True, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)

    placed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            # "My orders, newest first" is the customer's list endpoint.
            models.Index(fields=["customer_id", "-placed_at"], name="order_customer_recent_idx"),
            models.Index(fields=["status"], name="order_status_idx"),
        ]
        constraints = [
            # Within half a cent rather than equal: SQLite stores decimals as binary floats, where
            # 20.40 + 4.90 != 25.30. PostgreSQL's numeric is exact, so there it means equal.
            models.CheckConstraint(
                condition=models.Q(
                    total__gte=models.F("subtotal") + models.F("shipping_cost") - HALF_CENT,
                    total__lte=models.F("subtotal") + models.F("shipping_cost") + HALF_CENT,
                ),
                name="order_total_is_subtotal_plus_shipping",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.id} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    unit_price = money_field()
    line_total = money_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sku"], name="order_line_sku_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderHistoryEntry(models.Model):
    """What happened to an order and when, including late events that changed nothing."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "order history entries"

    def __str__(self) -> str:
        return f"{self.event} at {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyRecord(models.Model):
    """The first response to a POST /api/orders/ carrying this customer's Idempotency-Key.

    The unique constraint is what makes concurrent duplicates create one order: the losers of
    the race get an IntegrityError and replay the winner's stored response.
    """

    customer_id = models.UUIDField()
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the canonical JSON body.")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="idempotency")
    response_status = models.PositiveSmallIntegerField()
    # JSON text, not a JSONField: PostgreSQL's jsonb reorders keys, and a replay should repeat
    # the first answer exactly.
    response_json = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer_id", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.order_id}"
