"""Events published by the shipping context.

Every event names the shipment, its order and the customer, and the two before delivery also
its tracking number; those field groups are written once below, and each event adds when it
happened. A dataclass puts its base class's fields first,
so the events' fields stay in the order their committed contracts (contracts/events/) list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from modulith import event


@dataclass(frozen=True)
class _ShipmentFact:
    """Which shipment, of which order, for whom."""

    shipment_id: UUID
    order_id: UUID
    customer_id: UUID


@dataclass(frozen=True)
class _TrackedShipment(_ShipmentFact):
    """A shipment the carrier knows, by the number customers follow it with."""

    tracking_number: str


@event("shop.shipping.shipment.created.v1", subject="shipment_id")
class ShipmentCreated(_TrackedShipment):
    created_at: datetime


@event("shop.shipping.shipment.dispatched.v1", subject="shipment_id")
class ShipmentDispatched(_TrackedShipment):
    dispatched_at: datetime


@event("shop.shipping.shipment.delivered.v1", subject="shipment_id")
class ShipmentDelivered(_ShipmentFact):
    delivered_at: datetime
