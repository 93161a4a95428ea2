"""Stock rows, and the events of other contexts that inventory reacts to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from contexts.catalog.events import ProductPublished
from contexts.inventory.models import StockItem
from contexts.orders.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRejected,
    ShippingAddress,
)

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class StockItemFactory(DjangoModelFactory[StockItem]):
    class Meta:
        model = StockItem
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    on_hand = 10
    reserved = 0


def lines(*quantities: tuple[str, int]) -> tuple[OrderLine, ...]:
    """Order lines from (sku, quantity) pairs, each unit at 5.00."""
    return tuple(
        OrderLine(
            sku=sku,
            quantity=quantity,
            unit_price=Decimal("5.00"),
            line_total=Decimal("5.00") * quantity,
        )
        for sku, quantity in quantities
    )


class ShippingAddressFactory(factory.Factory[ShippingAddress]):
    class Meta:
        model = ShippingAddress

    name = "Ada Lovelace"
    line1 = "1 Analytical Row"
    line2 = ""
    city = "London"
    postal_code = "N1 1AA"
    country = "GB"


class OrderPlacedFactory(factory.Factory[OrderPlaced]):
    class Meta:
        model = OrderPlaced

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = factory.LazyFunction(lambda: lines(("SKU-A", 1)))
    currency = "EUR"
    subtotal = Decimal("5.00")
    shipping_cost = Decimal("4.90")
    total = Decimal("9.90")
    payment_method_id = factory.LazyFunction(uuid.uuid4)
    shipping_address = factory.SubFactory(ShippingAddressFactory)
    placed_at = NOW


class OrderConfirmedFactory(factory.Factory[OrderConfirmed]):
    class Meta:
        model = OrderConfirmed

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = factory.LazyFunction(lambda: lines(("SKU-A", 1)))
    currency = "EUR"
    total = Decimal("9.90")
    shipping_address = factory.SubFactory(ShippingAddressFactory)
    confirmed_at = NOW


class OrderRejectedFactory(factory.Factory[OrderRejected]):
    class Meta:
        model = OrderRejected

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    reason = "payment_declined"
    detail = "The card was declined."
    rejected_at = NOW


class OrderCancelledFactory(factory.Factory[OrderCancelled]):
    class Meta:
        model = OrderCancelled

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = factory.LazyFunction(lambda: lines(("SKU-A", 1)))
    currency = "EUR"
    total = Decimal("9.90")
    cancelled_at = NOW


class ProductPublishedFactory(factory.Factory[ProductPublished]):
    class Meta:
        model = ProductPublished

    product_id = factory.LazyFunction(uuid.uuid4)
    sku = factory.Sequence(lambda n: f"NEW-{n:04d}")
    name = "New product"
    price = Decimal("5.00")
    currency = "EUR"
    weight_grams = 100
    published_at = NOW
