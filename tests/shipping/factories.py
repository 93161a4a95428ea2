"""Factories for shipping rows and for the order events shipping reacts to."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from contexts.orders.events import OrderCancelled, OrderConfirmed, OrderLine, ShippingAddress
from contexts.shipping.models import Shipment, ShipmentStatus

LINES = (
    OrderLine(sku="MUG-001", quantity=2, unit_price=Decimal("12.50"), line_total=Decimal("25.00")),
)


class ShippingAddressFactory(factory.Factory):
    class Meta:
        model = ShippingAddress

    name = "Ada Lovelace"
    line1 = "1 Analytical Row"
    line2 = "Floor 2"
    city = "Paris"
    postal_code = "75001"
    country = "FR"


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    status = ShipmentStatus.CREATED
    tracking_number = factory.Sequence(lambda n: f"SHPTEST{n:08d}")
    recipient_name = "Ada Lovelace"
    address_line1 = "1 Analytical Row"
    city = "Paris"
    postal_code = "75001"
    country = "FR"


class OrderConfirmedFactory(factory.Factory):
    class Meta:
        model = OrderConfirmed

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    total = Decimal("33.90")
    shipping_address = factory.SubFactory(ShippingAddressFactory)
    confirmed_at = factory.LazyFunction(timezone.now)


class OrderCancelledFactory(factory.Factory):
    class Meta:
        model = OrderCancelled

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    total = Decimal("33.90")
    cancelled_at = factory.LazyFunction(timezone.now)
