"""Payments' rows. The order events it reacts to come from tests/support/event_factories.py."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory

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
