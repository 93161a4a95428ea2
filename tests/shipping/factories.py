"""Shipping's rows. The order events it reacts to come from tests/support/event_factories.py."""

from __future__ import annotations

import uuid

import factory

from contexts.shipping.models import Shipment, ShipmentStatus


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
