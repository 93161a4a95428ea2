"""Factories of the events contexts publish, for the tests of the contexts that subscribe to them.

One home for them, so that every subscriber's tests build an OrderConfirmed the same way and a
new field of an event is added once. Defaults describe one coherent order: two MUG-001 at 12.50
shipped to Berlin for 4.90, 29.90 in all. Totals follow the lines unless a test overrides them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from contexts.catalog.events import ProductPublished
from contexts.identity.events import UserRegistered
from contexts.orders.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRejected,
    ShippingAddress,
)
from contexts.shipping.events import ShipmentDispatched

UNIT_PRICE = Decimal("12.50")
SHIPPING_COST = Decimal("4.90")


def order_lines(*lines: tuple[str, int], unit_price: Decimal = UNIT_PRICE) -> tuple[OrderLine, ...]:
    """Order lines from (sku, quantity) pairs, every unit at `unit_price`."""
    return tuple(
        OrderLine(
            sku=sku, quantity=quantity, unit_price=unit_price, line_total=unit_price * quantity
        )
        for sku, quantity in lines
    )


def subtotal_of(lines: Sequence[OrderLine]) -> Decimal:
    return sum((line.line_total for line in lines), Decimal("0.00"))


def _total(event: Any) -> Decimal:
    return subtotal_of(event.lines) + event.shipping_cost


class ShippingAddressFactory(factory.Factory[ShippingAddress]):
    class Meta:
        model = ShippingAddress

    name = "Ada Lovelace"
    line1 = "1 Analytical Row"
    line2 = ""
    city = "Berlin"
    postal_code = "10115"
    country = "DE"


class OrderPlacedFactory(factory.Factory[OrderPlaced]):
    class Meta:
        model = OrderPlaced

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = factory.LazyFunction(lambda: order_lines(("MUG-001", 2)))
    currency = "EUR"
    subtotal = factory.LazyAttribute(lambda event: subtotal_of(event.lines))
    shipping_cost = SHIPPING_COST
    total = factory.LazyAttribute(_total)
    payment_method_id = factory.LazyFunction(uuid.uuid4)
    shipping_address = factory.SubFactory(ShippingAddressFactory)
    placed_at = factory.LazyFunction(timezone.now)


class _SettledOrderFactory(factory.Factory[Any]):
    """What the events of an order that was placed carry: its lines and their total."""

    class Meta:
        abstract = True

    class Params:
        # Not a field of these events: only what their total is made of.
        shipping_cost = SHIPPING_COST

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = factory.LazyFunction(lambda: order_lines(("MUG-001", 2)))
    currency = "EUR"
    total = factory.LazyAttribute(_total)


class OrderConfirmedFactory(_SettledOrderFactory):
    class Meta:
        model = OrderConfirmed

    shipping_address = factory.SubFactory(ShippingAddressFactory)
    confirmed_at = factory.LazyFunction(timezone.now)


class OrderRejectedFactory(factory.Factory[OrderRejected]):
    class Meta:
        model = OrderRejected

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    reason = "out_of_stock"
    detail = "Not enough stock of MUG-001."
    rejected_at = factory.LazyFunction(timezone.now)


class OrderCancelledFactory(_SettledOrderFactory):
    class Meta:
        model = OrderCancelled

    cancelled_at = factory.LazyFunction(timezone.now)


class UserRegisteredFactory(factory.Factory[UserRegistered]):
    class Meta:
        model = UserRegistered

    user_id = factory.LazyFunction(uuid.uuid4)
    email = "grace@example.com"
    name = "Grace Hopper"
    registered_at = factory.LazyFunction(timezone.now)


class ProductPublishedFactory(factory.Factory[ProductPublished]):
    class Meta:
        model = ProductPublished

    product_id = factory.LazyFunction(uuid.uuid4)
    sku = factory.Sequence(lambda n: f"NEW-{n:04d}")
    name = "New product"
    price = UNIT_PRICE
    currency = "EUR"
    weight_grams = 100
    published_at = factory.LazyFunction(timezone.now)


class ShipmentDispatchedFactory(factory.Factory[ShipmentDispatched]):
    class Meta:
        model = ShipmentDispatched

    shipment_id = factory.LazyFunction(uuid.uuid4)
    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    tracking_number = "SHPABCDEFGH2345"
    dispatched_at = factory.LazyFunction(timezone.now)
