"""Notifications reacts to what people should hear about. Each handler picks the template and
what it needs from the event (as JSON-ready values: the log stores them until the message is
rendered), then calls one service. The event's id (the cause) makes the notification unique, so
redeliveries and replays never notify twice."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from contexts.identity.events import UserRegistered
from contexts.notifications import services
from contexts.orders.events import OrderCancelled, OrderConfirmed, OrderLine, OrderRejected
from contexts.shipping.events import ShipmentDispatched
from modulith import subscribe
from modulith.events.envelope import current_envelope


@subscribe(UserRegistered)
def on_user_registered(event: UserRegistered) -> None:
    # The event carries the address: no need to ask identity.
    services.notification_reserve(
        template="welcome",
        recipient_id=event.user_id,
        email=event.email,
        cause_event_id=_cause_id(),
        context={"name": event.name},
    )


@subscribe(OrderConfirmed)
def on_order_confirmed(event: OrderConfirmed) -> None:
    services.notification_reserve(
        template="order_confirmed",
        recipient_id=event.customer_id,
        cause_event_id=_cause_id(),
        context={
            "order_id": event.order_id,
            "lines": [_line(line) for line in event.lines],
            "total": event.total,
            "currency": event.currency,
            "address": asdict(event.shipping_address),
        },
    )


@subscribe(OrderRejected)
def on_order_rejected(event: OrderRejected) -> None:
    services.notification_reserve(
        template="order_rejected",
        recipient_id=event.customer_id,
        cause_event_id=_cause_id(),
        context={"order_id": event.order_id, "reason": event.reason, "detail": event.detail},
    )


@subscribe(OrderCancelled)
def on_order_cancelled(event: OrderCancelled) -> None:
    services.notification_reserve(
        template="order_cancelled",
        recipient_id=event.customer_id,
        cause_event_id=_cause_id(),
        context={"order_id": event.order_id, "total": event.total, "currency": event.currency},
    )


@subscribe(ShipmentDispatched)
def on_shipment_dispatched(event: ShipmentDispatched) -> None:
    services.notification_reserve(
        template="shipment_dispatched",
        recipient_id=event.customer_id,
        cause_event_id=_cause_id(),
        context={"order_id": event.order_id, "tracking_number": event.tracking_number},
    )


def _cause_id() -> UUID:
    """The id of the event being handled: modulith runs handlers inside `handling(envelope)`."""
    envelope = current_envelope.get()
    if envelope is None:
        raise RuntimeError("Notification handlers run only inside a modulith delivery.")
    return UUID(envelope["id"])


def _line(line: OrderLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "line_total": line.line_total,
    }
