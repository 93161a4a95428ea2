from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from contexts.catalog.models import Product


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n:04d}")
    description = "A thing worth buying."
    price = Decimal("10.00")
    currency = "EUR"
    weight_grams = 250
    active = True
