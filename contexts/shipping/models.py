"""The rate table (zones, the countries in them, price bands by weight) and shipments.

Orders and customers belong to other contexts: shipments reference them by id only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from modulith.contexts.choices import Codes

DEFAULT_CURRENCY = "EUR"
# The currencies rates may be priced in: the quote endpoint's schema states them as an enum, and
# the rate table cannot hold another (the column's choices and a check constraint), so the two
# always agree.
RATE_CURRENCIES = (DEFAULT_CURRENCY,)
# A ZoneCountry with this code matches every country no other zone lists.
ANY_COUNTRY = "*"


class Zone(models.Model):
    """A group of destination countries that share prices."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ZoneCountry(models.Model):
    """One destination country (ISO 3166-1 alpha-2, or "*") of a zone. A country belongs to one
    zone at most, so the zone of a destination is never ambiguous."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(max_length=2, unique=True)

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "zone countries"

    def __str__(self) -> str:
        return f"{self.country} → {self.zone.code}"


class Rate(models.Model):
    """The price of a parcel up to `max_weight_grams` to a zone, in one currency. A parcel pays
    the rate of the lightest band that holds it."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="rates")
    max_weight_grams = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(
        max_length=3,
        default=DEFAULT_CURRENCY,
        choices=[(currency, currency) for currency in RATE_CURRENCIES],
    )

    class Meta:
        ordering = ["zone__code", "currency", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "currency", "max_weight_grams"], name="rate_one_price_per_band"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="rate_amount_not_negative"
            ),
            # The quote endpoint's schema lists RATE_CURRENCIES: no rate may be priced in another.
            models.CheckConstraint(
                condition=models.Q(currency__in=RATE_CURRENCIES), name="rate_currency_supported"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone.code} ≤ {self.max_weight_grams} g: {self.amount} {self.currency}"


class ShipmentStatus(Codes):
    CREATED = "created"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    # The order was cancelled before its confirmation reached shipping: a tombstone that stops
    # a late OrderConfirmed from creating a parcel. It has no address and no tracking number.
    WITHDRAWN = "withdrawn"


class Shipment(models.Model):
    """The parcel of one confirmed order, with a snapshot of where it goes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(unique=True)
    customer_id = models.UUIDField()
    status = models.CharField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    # Null only on a withdrawn tombstone; unique otherwise.
    tracking_number = models.CharField(max_length=32, unique=True, null=True, blank=True)

    recipient_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer_id", "-created_at"], name="shipment_customer_idx")
        ]

    def __str__(self) -> str:
        return (
            f"shipment {self.tracking_number or self.id} of order {self.order_id} ({self.status})"
        )
