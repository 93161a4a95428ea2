"""Events published by the catalog context."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from modulith import event


@event("shop.catalog.product.published.v1", subject="product_id")
class ProductPublished:
    """A product became available for sale (created active, or re-activated)."""

    product_id: UUID
    sku: str
    name: str
    price: Decimal
    currency: str  # ISO 4217, e.g. "EUR"
    weight_grams: int
    published_at: datetime


@event("shop.catalog.product.price_changed.v1", subject="product_id")
class ProductPriceChanged:
    """A product's price changed. Orders already placed keep the price they snapshotted."""

    product_id: UUID
    sku: str
    old_price: Decimal
    new_price: Decimal
    currency: str
    changed_at: datetime


@event("shop.catalog.product.retired.v1", subject="product_id")
class ProductRetired:
    """A product is no longer sold. Its stock and past orders stay."""

    product_id: UUID
    sku: str
    retired_at: datetime
