"""Factories for payments rows and for the order events payments reacts to."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from contexts.orders.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRejected,
    ShippingAddress,
)
from contexts.payments.models import Payment, PaymentMethod, PaymentStatus, payment_id_for
from contexts.payments.providers.fake import TOK_VISA


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    customer_id = factory.LazyFunction(uuid.uuid4)
    token = TOK_VISA
    brand = "visa"
    last4 = "4242"


class PaymentFactory(factory.django.DjangoModelFactory):
    """An authorized payment, as payments leaves it after a successful OrderPlaced."""

    class Meta:
        model = Payment

    order_id = factory.LazyFunction(uuid.uuid4)
    id = factory.LazyAttribute(lambda payment: payment_id_for(payment.order_id))
    payment_method = factory.SubFactory(PaymentMethodFactory)
    customer_id = factory.SelfAttribute("payment_method.customer_id")
    amount = Decimal("42.50")
    currency = "EUR"
    status = PaymentStatus.AUTHORIZED
    provider_reference = factory.Sequence(lambda n: f"fake_auth_{n}")


LINES = (
    OrderLine(sku="MUG-001", quantity=2, unit_price=Decimal("12.50"), line_total=Decimal("25.00")),
)
ADDRESS = ShippingAddress(
    name="Ada Lovelace",
    line1="1 Analytical Row",
    line2="",
    city="Berlin",
    postal_code="10115",
    country="DE",
)


class OrderPlacedFactory(factory.Factory):
    class Meta:
        model = OrderPlaced

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    subtotal = Decimal("25.00")
    shipping_cost = Decimal("4.90")
    total = Decimal("29.90")
    payment_method_id = factory.LazyFunction(uuid.uuid4)
    shipping_address = ADDRESS
    placed_at = factory.LazyFunction(timezone.now)


class OrderConfirmedFactory(factory.Factory):
    class Meta:
        model = OrderConfirmed

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    total = Decimal("29.90")
    shipping_address = ADDRESS
    confirmed_at = factory.LazyFunction(timezone.now)


class OrderRejectedFactory(factory.Factory):
    class Meta:
        model = OrderRejected

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    reason = "out_of_stock"
    detail = "MUG-001 is out of stock."
    rejected_at = factory.LazyFunction(timezone.now)


class OrderCancelledFactory(factory.Factory):
    class Meta:
        model = OrderCancelled

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    total = Decimal("29.90")
    cancelled_at = factory.LazyFunction(timezone.now)
