"""Factories for orders' tables, and request bodies for POST /api/orders/."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from contexts.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    RejectionReason,
    StockStatus,
)


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory("tests.orders.factories.OrderFactory", lines=None)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    quantity = 2
    unit_price = Decimal("10.00")
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)


class OrderFactory(DjangoModelFactory):
    """A pending order of one line (2 x 10.00 EUR) shipped to Germany for 4.90."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    customer_id = factory.LazyFunction(uuid.uuid4)
    currency = "EUR"
    subtotal = Decimal("20.00")
    shipping_cost = Decimal("4.90")
    total = factory.LazyAttribute(lambda order: order.subtotal + order.shipping_cost)
    payment_method_id = factory.LazyFunction(uuid.uuid4)
    shipping_name = "Ada Lovelace"
    shipping_line1 = "Unter den Linden 1"
    shipping_city = "Berlin"
    shipping_postal_code = "10117"
    shipping_country = "DE"
    lines = factory.RelatedFactoryList(OrderLineFactory, factory_related_name="order", size=1)

    class Params:
        confirmed = factory.Trait(
            status=OrderStatus.CONFIRMED,
            stock_status=StockStatus.RESERVED,
            payment_status=PaymentStatus.AUTHORIZED,
            reservation_id=factory.LazyFunction(uuid.uuid4),
            payment_id=factory.LazyFunction(uuid.uuid4),
            confirmed_at=factory.LazyFunction(timezone.now),
        )
        shipped = factory.Trait(
            confirmed=True,
            status=OrderStatus.SHIPPED,
            shipped_at=factory.LazyFunction(timezone.now),
        )
        delivered = factory.Trait(
            shipped=True,
            status=OrderStatus.DELIVERED,
            delivered_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=OrderStatus.REJECTED,
            stock_status=StockStatus.FAILED,
            rejection_reason=RejectionReason.OUT_OF_STOCK,
            rejection_detail="Not enough stock of SKU-1.",
            rejected_at=factory.LazyFunction(timezone.now),
        )
        cancelled = factory.Trait(
            confirmed=True,
            status=OrderStatus.CANCELLED,
            cancelled_at=factory.LazyFunction(timezone.now),
        )


def address_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Ada Lovelace",
        "line1": "Unter den Linden 1",
        "line2": "",
        "city": "Berlin",
        "postal_code": "10117",
        "country": "DE",
        **overrides,
    }


def order_payload(lines: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/orders/ body."""
    return {
        "lines": lines if lines is not None else [{"sku": "MUG-1", "quantity": 2}],
        "shipping_address": address_payload(),
        "payment_method_id": str(uuid.uuid4()),
        **overrides,
    }
