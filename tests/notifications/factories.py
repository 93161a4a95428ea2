"""Factories for notification rows and for the events notifications reacts to."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from contexts.identity.events import UserRegistered
from contexts.notifications.models import Notification, NotificationStatus
from contexts.orders.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderRejected,
    ShippingAddress,
)
from contexts.shipping.events import ShipmentDispatched

LINES = (
    OrderLine(sku="MUG-001", quantity=2, unit_price=Decimal("12.50"), line_total=Decimal("25.00")),
    OrderLine(sku="TEE-001", quantity=1, unit_price=Decimal("19.99"), line_total=Decimal("19.99")),
)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient_id = factory.LazyFunction(uuid.uuid4)
    email = "ada@example.com"
    template = "order_confirmed"
    cause_event_id = factory.LazyFunction(uuid.uuid4)
    status = NotificationStatus.SENT
    subject = "Your order is confirmed"
    body_text = "Thank you."
    body_html = "<p>Thank you.</p>"
    sent_at = factory.LazyFunction(timezone.now)


class UserRegisteredFactory(factory.Factory):
    class Meta:
        model = UserRegistered

    user_id = factory.LazyFunction(uuid.uuid4)
    email = "grace@example.com"
    name = "Grace Hopper"
    registered_at = factory.LazyFunction(timezone.now)


class OrderConfirmedFactory(factory.Factory):
    class Meta:
        model = OrderConfirmed

    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    lines = LINES
    currency = "EUR"
    total = Decimal("49.89")
    shipping_address = ShippingAddress(
        name="Ada Lovelace",
        line1="1 Analytical Row",
        line2="",
        city="Berlin",
        postal_code="10115",
        country="DE",
    )
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
    total = Decimal("49.89")
    cancelled_at = factory.LazyFunction(timezone.now)


class ShipmentDispatchedFactory(factory.Factory):
    class Meta:
        model = ShipmentDispatched

    shipment_id = factory.LazyFunction(uuid.uuid4)
    order_id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(uuid.uuid4)
    tracking_number = "SHPABCDEFGH2345"
    dispatched_at = factory.LazyFunction(timezone.now)
