"""Inventory's tables: stock per sku, its adjustment log, and reservations per order.

Private to the inventory context. Skus and order ids belong to other contexts, so they are plain
values here, never foreign keys.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q


class StockItem(models.Model):
    """What the warehouse holds of one sku. `reserved` units are promised to open orders."""

    sku = models.CharField(max_length=32, unique=True)
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            # The database refuses to oversell even if a code path forgets to lock.
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="inventory_stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")),
                name="inventory_stock_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku}: {self.available} available ({self.on_hand} on hand)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockAdjustment(models.Model):
    """One manual change of on_hand (delivery, count correction, breakage): the audit log."""

    stock_item = models.ForeignKey(
        StockItem,
        to_field="sku",
        db_column="sku",
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    delta = models.IntegerField()
    reason = models.CharField(max_length=200)
    on_hand_after = models.PositiveIntegerField()
    actor_id = models.UUIDField(
        null=True, blank=True, help_text="The staff member; empty for system loads such as demo."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="inventory_adjustment_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.stock_item_id} {self.delta:+d} ({self.reason})"


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", "reserved: stock held until it expires"
    COMMITTED = "committed", "committed: the order is confirmed, stock left the shelf"
    RELEASED = "released", "released: the order was rejected or cancelled before commit"
    EXPIRED = "expired", "expired: not confirmed in time, stock given back"
    RESTOCKED = "restocked", "restocked: a committed order was cancelled"
    FAILED = "failed", "failed: not enough stock, nothing was reserved"
    CLOSED = "closed", "closed: the order ended before it was placed here; never reserve"


class Reservation(models.Model):
    """Inventory's record of one order: the stock it holds, or why it holds none.

    There is at most one per order, whatever the outcome, so that a late or repeated event
    for the same order finds it and acts on its state instead of reserving again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(unique=True)
    status = models.CharField(max_length=16, choices=ReservationStatus.choices)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The expiry job looks for held reservations past their deadline.
            models.Index(fields=["status", "expires_at"], name="inventory_reservation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.status}"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=32)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["reservation", "sku"], name="inventory_line_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} x{self.quantity}"
