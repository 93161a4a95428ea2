"""What orders does when inventory, payments and shipping report on an order: record it.

Thin on purpose: each handler hands the event's facts to one service in services.saga, which
locks the order, joins the saga's branches and publishes whatever follows. An event about an
order this database does not hold can never succeed on retry, so it goes to the dead letters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from contexts.inventory.events import (
    StockReleased,
    StockReservationExpired,
    StockReservationFailed,
    StockReserved,
)
from contexts.orders import services
from contexts.orders.selectors import OrderNotFound
from contexts.payments.events import (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from contexts.shipping.events import ShipmentDelivered, ShipmentDispatched
from modulith import PermanentError, subscribe

E = TypeVar("E")


def unknown_order_is_permanent(handler: Callable[[E], None]) -> Callable[[E], None]:
    """Retrying cannot make an order appear: send such an event straight to the dead letters."""

    @functools.wraps(handler)
    def handle(event: E) -> None:
        try:
            handler(event)
        except OrderNotFound as error:
            raise PermanentError(str(error)) from error

    return handle


@subscribe(StockReserved)
@unknown_order_is_permanent
def on_stock_reserved(event: StockReserved) -> None:
    services.order_record_stock_reserved(
        order_id=event.order_id,
        reservation_id=event.reservation_id,
    )


@subscribe(StockReservationFailed)
@unknown_order_is_permanent
def on_stock_reservation_failed(event: StockReservationFailed) -> None:
    services.order_record_stock_failed(
        order_id=event.order_id,
        reason=event.reason,
        unavailable_skus=event.unavailable_skus,
    )


@subscribe(StockReservationExpired)
@unknown_order_is_permanent
def on_stock_reservation_expired(event: StockReservationExpired) -> None:
    services.order_record_stock_expired(
        order_id=event.order_id,
        reservation_id=event.reservation_id,
    )


@subscribe(StockReleased)
@unknown_order_is_permanent
def on_stock_released(event: StockReleased) -> None:
    services.order_record_stock_released(
        order_id=event.order_id,
        reservation_id=event.reservation_id,
    )


@subscribe(PaymentAuthorized)
@unknown_order_is_permanent
def on_payment_authorized(event: PaymentAuthorized) -> None:
    services.order_record_payment_authorized(
        order_id=event.order_id,
        payment_id=event.payment_id,
    )


@subscribe(PaymentFailed)
@unknown_order_is_permanent
def on_payment_failed(event: PaymentFailed) -> None:
    services.order_record_payment_failed(
        order_id=event.order_id,
        reason=event.reason,
        detail=event.detail,
    )


@subscribe(PaymentCaptured)
@unknown_order_is_permanent
def on_payment_captured(event: PaymentCaptured) -> None:
    services.order_record_payment_captured(
        order_id=event.order_id,
        payment_id=event.payment_id,
    )


@subscribe(PaymentVoided)
@unknown_order_is_permanent
def on_payment_voided(event: PaymentVoided) -> None:
    services.order_record_payment_voided(
        order_id=event.order_id,
        payment_id=event.payment_id,
    )


@subscribe(PaymentRefunded)
@unknown_order_is_permanent
def on_payment_refunded(event: PaymentRefunded) -> None:
    services.order_record_payment_refunded(
        order_id=event.order_id,
        payment_id=event.payment_id,
    )


@subscribe(ShipmentDispatched)
@unknown_order_is_permanent
def on_shipment_dispatched(event: ShipmentDispatched) -> None:
    services.order_record_shipment_dispatched(
        order_id=event.order_id,
        shipment_id=event.shipment_id,
        tracking_number=event.tracking_number,
        dispatched_at=event.dispatched_at,
    )


@subscribe(ShipmentDelivered)
@unknown_order_is_permanent
def on_shipment_delivered(event: ShipmentDelivered) -> None:
    services.order_record_shipment_delivered(
        order_id=event.order_id,
        shipment_id=event.shipment_id,
        delivered_at=event.delivered_at,
    )
