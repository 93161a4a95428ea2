"""Shipment state transitions by staff: created → dispatched → delivered, nothing else."""

from __future__ import annotations

import uuid

import pytest

from contexts.shipping import services
from contexts.shipping.events import ShipmentDelivered, ShipmentDispatched
from contexts.shipping.models import ShipmentStatus
from contexts.shipping.selectors import ShipmentNotFound
from modulith.testing import capture_events
from tests.shipping.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def test_dispatching_a_created_shipment_publishes_shipment_dispatched() -> None:
    shipment = ShipmentFactory()

    with capture_events() as captured:
        dispatched = services.shipment_dispatch(shipment_id=shipment.id)

    assert dispatched.status == ShipmentStatus.DISPATCHED
    assert dispatched.dispatched_at is not None
    [event] = captured.of_type(ShipmentDispatched)
    assert (event.shipment_id, event.order_id, event.customer_id, event.tracking_number) == (
        shipment.id,
        shipment.order_id,
        shipment.customer_id,
        shipment.tracking_number,
    )


def test_delivering_a_dispatched_shipment_publishes_shipment_delivered() -> None:
    shipment = ShipmentFactory(status=ShipmentStatus.DISPATCHED)

    with capture_events() as captured:
        delivered = services.shipment_deliver(shipment_id=shipment.id)

    assert delivered.status == ShipmentStatus.DELIVERED
    assert [event.shipment_id for event in captured.of_type(ShipmentDelivered)] == [shipment.id]


@pytest.mark.parametrize(
    "status",
    [
        ShipmentStatus.DISPATCHED,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.CANCELLED,
    ],
)
def test_only_a_created_shipment_can_be_dispatched(status: ShipmentStatus) -> None:
    shipment = ShipmentFactory(status=status)

    with pytest.raises(services.ShipmentStateConflict), capture_events() as captured:
        services.shipment_dispatch(shipment_id=shipment.id)

    assert captured.events == []


@pytest.mark.parametrize(
    "status", [ShipmentStatus.CREATED, ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED]
)
def test_only_a_dispatched_shipment_can_be_delivered(status: ShipmentStatus) -> None:
    shipment = ShipmentFactory(status=status)

    with pytest.raises(services.ShipmentStateConflict):
        services.shipment_deliver(shipment_id=shipment.id)


def test_a_withdrawn_tombstone_is_not_a_shipment_to_dispatch() -> None:
    tombstone = ShipmentFactory(status=ShipmentStatus.WITHDRAWN, tracking_number=None)

    with pytest.raises(ShipmentNotFound):
        services.shipment_dispatch(shipment_id=tombstone.id)


def test_an_unknown_shipment_cannot_be_dispatched() -> None:
    with pytest.raises(ShipmentNotFound):
        services.shipment_dispatch(shipment_id=uuid.uuid4())
