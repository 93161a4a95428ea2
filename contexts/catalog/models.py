"""The catalog's table: the products the shop sells. Private to the catalog context."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

DEFAULT_CURRENCY = "EUR"


class Product(models.Model):
    """Something the shop sells, identified across contexts by its sku."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, help_text="ISO 4217")
    weight_grams = models.PositiveIntegerField()
    active = models.BooleanField(default=True, help_text="Only active products are for sale.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "sku"]
        constraints = [
            # The last line of defence if a caller bypasses the REST validation.
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_product_price_positive"),
            models.CheckConstraint(
                condition=Q(weight_grams__gt=0), name="catalog_product_weight_positive"
            ),
        ]
        indexes = [
            # The public list filters on active and pages in (name, sku) order.
            models.Index(fields=["active", "name", "sku"], name="catalog_product_listing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
