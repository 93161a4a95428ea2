"""Events published by the shipping context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from modulith import event


@event("shop.shipping.shipment.created.v1", subject="shipment_id")
@dataclass(frozen=True)
class ShipmentCreated:
    shipment_id: UUID
    order_id: UUID
    customer_id: UUID
    tracking_number: str
    created_at: datetime


@event("shop.shipping.shipment.dispatched.v1", subject="shipment_id")
@dataclass(frozen=True)
class ShipmentDispatched:
    shipment_id: UUID
    order_id: UUID
    customer_id: UUID
    tracking_number: str
    dispatched_at: datetime


@event("shop.shipping.shipment.delivered.v1", subject="shipment_id")
@dataclass(frozen=True)
class ShipmentDelivered:
    shipment_id: UUID
    order_id: UUID
    customer_id: UUID
    delivered_at: datetime
