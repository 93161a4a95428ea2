"""Write use cases of shipping. Every state change publishes its event in the same transaction.

One shipment row per order serialises that order's events: handlers lock it, or create it (the
unique order_id makes concurrent first events queue), so OrderConfirmed and OrderCancelled may
arrive in either order, and any number of times.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.shipping import database
from contexts.shipping.events import ShipmentCreated, ShipmentDelivered, ShipmentDispatched
from contexts.shipping.models import Shipment, ShipmentStatus
from contexts.shipping.parcels import new_tracking_number
from contexts.shipping.selectors import ShipmentNotFound
from modulith import publish

logger = logging.getLogger(__name__)


class ShipmentStateConflict(Exception):
    """The shipment is not in the state the operation needs."""

    def __init__(self, shipment: Shipment, operation: str, needed: ShipmentStatus) -> None:
        super().__init__(
            f"Shipment {shipment.id} is {shipment.status}; only a {needed} shipment can be "
            f"{operation}."
        )
        self.status = shipment.status


@database.atomic
def shipment_create_for_order(
    *,
    order_id: UUID,
    customer_id: UUID,
    recipient_name: str,
    address_line1: str,
    address_line2: str,
    city: str,
    postal_code: str,
    country: str,
) -> Shipment:
    """Create the parcel of a confirmed order and publish ShipmentCreated. Does nothing if the
    order already has one, or was cancelled before its confirmation arrived."""
    existing = _locked_for_order(order_id)
    if existing is not None:
        return existing
    shipment = Shipment(
        order_id=order_id,
        customer_id=customer_id,
        status=ShipmentStatus.CREATED,
        tracking_number=new_tracking_number(),
        recipient_name=recipient_name,
        address_line1=address_line1,
        address_line2=address_line2,
        city=city,
        postal_code=postal_code,
        country=country.upper(),
    )
    created = _insert_or_get(shipment)
    if created is not shipment:
        return created  # another worker created (or withdrew) it meanwhile
    publish(
        ShipmentCreated(
            shipment_id=shipment.id,
            order_id=shipment.order_id,
            customer_id=shipment.customer_id,
            tracking_number=str(shipment.tracking_number),
            created_at=shipment.created_at,
        )
    )
    return shipment


@database.atomic
def shipment_cancel_for_order(*, order_id: UUID, customer_id: UUID) -> Shipment:
    """The order was cancelled: a parcel not dispatched yet is cancelled; if the confirmation has
    not reached shipping yet, a tombstone stops it from creating one."""
    shipment = _locked_for_order(order_id)
    if shipment is None:
        tombstone = Shipment(
            order_id=order_id, customer_id=customer_id, status=ShipmentStatus.WITHDRAWN
        )
        shipment = _insert_or_get(tombstone)
        if shipment is tombstone:
            return tombstone
        # The confirmation created the parcel meanwhile: cancel that one instead.
    if shipment.status == ShipmentStatus.CREATED:
        shipment.status = ShipmentStatus.CANCELLED
        shipment.cancelled_at = timezone.now()
        shipment.save(update_fields=["status", "cancelled_at"])
    elif shipment.status in (ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED):
        # Orders allows cancelling only before dispatch; getting here means the cancellation
        # and the dispatch crossed. The parcel is on its way: a person has to call it back.
        logger.warning(
            "order %s was cancelled but its shipment %s is already %s",
            order_id,
            shipment.id,
            shipment.status,
        )
    return shipment


@database.atomic
def shipment_dispatch(*, shipment_id: UUID) -> Shipment:
    """Hand the parcel to the carrier and publish ShipmentDispatched. Raises ShipmentNotFound
    and ShipmentStateConflict."""
    shipment, now = _advance(
        shipment_id, "dispatched", ShipmentStatus.CREATED, ShipmentStatus.DISPATCHED
    )
    publish(
        ShipmentDispatched(
            shipment_id=shipment.id,
            order_id=shipment.order_id,
            customer_id=shipment.customer_id,
            tracking_number=str(shipment.tracking_number),
            dispatched_at=now,
        )
    )
    return shipment


@database.atomic
def shipment_deliver(*, shipment_id: UUID) -> Shipment:
    """Record that the carrier delivered the parcel and publish ShipmentDelivered. Raises
    ShipmentNotFound and ShipmentStateConflict."""
    shipment, now = _advance(
        shipment_id, "delivered", ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED
    )
    publish(
        ShipmentDelivered(
            shipment_id=shipment.id,
            order_id=shipment.order_id,
            customer_id=shipment.customer_id,
            delivered_at=now,
        )
    )
    return shipment


def _advance(
    shipment_id: UUID, operation: str, needed: ShipmentStatus, reached: ShipmentStatus
) -> tuple[Shipment, datetime]:
    """Lock the shipment and move it from `needed` to `reached`, stamping `<operation>_at`
    (dispatched_at, delivered_at) now. Raises ShipmentNotFound and ShipmentStateConflict."""
    shipment = _locked(shipment_id)
    if shipment.status != needed:
        raise ShipmentStateConflict(shipment, operation, needed)
    now = timezone.now()
    shipment.status = reached
    setattr(shipment, f"{operation}_at", now)
    shipment.save(update_fields=["status", f"{operation}_at"])
    return shipment, now


def _locked(shipment_id: UUID) -> Shipment:
    # get(), not .first(): a lookup by key needs none of the ORDER BY .first() would add.
    try:
        shipment = Shipment.objects.select_for_update().get(id=shipment_id)
    except Shipment.DoesNotExist:
        raise ShipmentNotFound(shipment_id) from None
    if shipment.status == ShipmentStatus.WITHDRAWN:
        raise ShipmentNotFound(shipment_id)
    return shipment


def _locked_for_order(order_id: UUID) -> Shipment | None:
    try:
        return Shipment.objects.select_for_update().get(order_id=order_id)  # unique
    except Shipment.DoesNotExist:
        return None


def _insert_or_get(shipment: Shipment) -> Shipment:
    """Insert, or return the order's shipment that a concurrent worker inserted first. A clash
    of tracking numbers (about one in 10^18) draws a new one."""
    for _ in range(3):
        try:
            # The savepoint keeps the surrounding transaction usable after a unique violation.
            with transaction.atomic(using=database.alias()):
                shipment.save(force_insert=True)
            return shipment
        except IntegrityError:
            winner = _locked_for_order(shipment.order_id)
            if winner is not None:
                return winner
            shipment.tracking_number = new_tracking_number()
    raise RuntimeError(f"Could not store the shipment of order {shipment.order_id}.")
