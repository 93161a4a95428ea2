"""Shipping's reactions to confirmed and cancelled orders, in any order, any number of times."""

from __future__ import annotations

from uuid import UUID

import pytest

from contexts.shipping.events import ShipmentCreated
from contexts.shipping.models import Shipment, ShipmentStatus
from modulith.testing import capture_events, deliver_to, redeliver
from tests.shipping.factories import ShipmentFactory
from tests.support.event_factories import (
    OrderCancelledFactory,
    OrderConfirmedFactory,
    ShippingAddressFactory,
)

pytestmark = pytest.mark.django_db

CONFIRMED = "shipping.on_order_confirmed"
CANCELLED = "shipping.on_order_cancelled"


def shipment_of(order_id: UUID) -> Shipment:
    return Shipment.objects.get(order_id=order_id)


def test_a_confirmed_order_gets_a_shipment_to_its_address() -> None:
    event = OrderConfirmedFactory(
        shipping_address=ShippingAddressFactory(city="Paris", country="fr")
    )

    with capture_events() as captured:
        deliver_to(CONFIRMED, event)

    shipment = shipment_of(event.order_id)
    assert shipment.status == ShipmentStatus.CREATED
    assert shipment.customer_id == event.customer_id
    assert (shipment.recipient_name, shipment.city, shipment.country) == (
        "Ada Lovelace",
        "Paris",
        "FR",
    )
    assert shipment.tracking_number and shipment.tracking_number.startswith("SHP")
    [created] = captured.of_type(ShipmentCreated)
    assert (created.shipment_id, created.tracking_number) == (shipment.id, shipment.tracking_number)


def test_a_redelivered_confirmation_creates_one_shipment() -> None:
    event = OrderConfirmedFactory()
    envelope, _ = deliver_to(CONFIRMED, event)

    with capture_events() as captured:
        redeliver(CONFIRMED, envelope)
        deliver_to(CONFIRMED, event)

    assert Shipment.objects.filter(order_id=event.order_id).count() == 1
    assert captured.events == []


def test_a_cancelled_order_cancels_its_shipment_that_has_not_left() -> None:
    shipment = ShipmentFactory()

    deliver_to(CANCELLED, OrderCancelledFactory(order_id=shipment.order_id))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED
    assert shipment.cancelled_at is not None


def test_a_cancellation_does_not_touch_a_dispatched_shipment() -> None:
    shipment = ShipmentFactory(status=ShipmentStatus.DISPATCHED)

    deliver_to(CANCELLED, OrderCancelledFactory(order_id=shipment.order_id))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED


def test_a_cancellation_that_overtakes_the_confirmation_stops_the_shipment() -> None:
    confirmed = OrderConfirmedFactory()

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=confirmed.order_id))
        deliver_to(CONFIRMED, confirmed)

    shipment = shipment_of(confirmed.order_id)
    assert shipment.status == ShipmentStatus.WITHDRAWN
    assert shipment.tracking_number is None
    assert captured.events == []


def test_a_redelivered_cancellation_changes_nothing_more() -> None:
    shipment = ShipmentFactory()
    envelope, _ = deliver_to(CANCELLED, OrderCancelledFactory(order_id=shipment.order_id))
    cancelled_at = shipment_of(shipment.order_id).cancelled_at

    redeliver(CANCELLED, envelope)
    deliver_to(CANCELLED, OrderCancelledFactory(order_id=shipment.order_id))

    assert shipment_of(shipment.order_id).cancelled_at == cancelled_at
