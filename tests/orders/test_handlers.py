"""The saga through the kernel's delivery: every arrival order, duplicates and redeliveries.

Each event goes to orders' own subscription only (deliver_to / redeliver), exactly as a broker
would hand it over: in its own transaction, with the inbox row that makes a redelivery a no-op.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.inventory.events import (
    ReservedLine,
    StockReservationExpired,
    StockReservationFailed,
    StockReserved,
)
from contexts.orders.events import OrderConfirmed, OrderRejected
from contexts.orders.models import (
    Order,
    OrderStatus,
    PaymentStatus,
    RejectionReason,
    StockStatus,
)
from contexts.payments.events import PaymentAuthorized, PaymentFailed
from contexts.shipping.events import ShipmentDelivered, ShipmentDispatched
from modulith.testing import Outcome, capture_events, deliver_to, make_envelope, redeliver
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = {
    StockReserved: "orders.on_stock_reserved",
    StockReservationFailed: "orders.on_stock_reservation_failed",
    StockReservationExpired: "orders.on_stock_reservation_expired",
    PaymentAuthorized: "orders.on_payment_authorized",
    PaymentFailed: "orders.on_payment_failed",
    ShipmentDispatched: "orders.on_shipment_dispatched",
    ShipmentDelivered: "orders.on_shipment_delivered",
}


def reserved(order: Order) -> StockReserved:
    return StockReserved(
        order_id=order.id,
        reservation_id=uuid.uuid4(),
        lines=tuple(ReservedLine(line.sku, line.quantity) for line in order.lines.all()),
        expires_at=timezone.now() + timedelta(minutes=15),
    )


def out_of_stock(order: Order) -> StockReservationFailed:
    return StockReservationFailed(
        order_id=order.id,
        reason="out_of_stock",
        unavailable_skus=tuple(line.sku for line in order.lines.all()),
    )


def expired(order: Order) -> StockReservationExpired:
    return StockReservationExpired(
        order_id=order.id, reservation_id=uuid.uuid4(), expired_at=timezone.now()
    )


def authorized(order: Order) -> PaymentAuthorized:
    return PaymentAuthorized(
        payment_id=uuid.uuid4(),
        order_id=order.id,
        amount=order.total,
        currency=order.currency,
        authorized_at=timezone.now(),
    )


def declined(order: Order) -> PaymentFailed:
    return PaymentFailed(
        order_id=order.id,
        reason="declined",
        detail="The card was declined.",
        failed_at=timezone.now(),
    )


def deliver(event: object) -> Outcome:
    return deliver_to(SUBSCRIPTIONS[type(event)], event)[1]


def final_state(order: Order) -> tuple[str, str, str]:
    order.refresh_from_db()
    return order.status, order.stock_status, order.payment_status


EventMaker = Callable[[Order], object]

# For each saga: the events that reach orders, and the state every arrival order ends in.
SAGAS: dict[str, tuple[tuple[EventMaker, ...], tuple[str, str, str]]] = {
    "both succeed": (
        (reserved, authorized),
        (OrderStatus.CONFIRMED, StockStatus.RESERVED, PaymentStatus.AUTHORIZED),
    ),
    "payment declined": (
        (reserved, declined),
        (OrderStatus.REJECTED, StockStatus.RESERVED, PaymentStatus.FAILED),
    ),
    "out of stock": (
        (out_of_stock, authorized),
        (OrderStatus.REJECTED, StockStatus.FAILED, PaymentStatus.AUTHORIZED),
    ),
    "both fail": (
        (out_of_stock, declined),
        (OrderStatus.REJECTED, StockStatus.FAILED, PaymentStatus.FAILED),
    ),
    "reservation expires while payment is pending": (
        (reserved, expired),
        (OrderStatus.REJECTED, StockStatus.EXPIRED, PaymentStatus.PENDING),
    ),
    "reservation expires and the payment fails": (
        (reserved, expired, declined),
        (OrderStatus.REJECTED, StockStatus.EXPIRED, PaymentStatus.FAILED),
    ),
}


def every_arrival_order() -> list[object]:
    return [
        pytest.param(arrival, expected, id=" then ".join(make.__name__ for make in arrival))
        for makers, expected in SAGAS.values()
        for arrival in itertools.permutations(makers)
    ]


@pytest.mark.parametrize(("makers", "expected"), every_arrival_order())
def test_every_arrival_order_reaches_the_same_final_state(
    makers: tuple[EventMaker, ...], expected: tuple[str, str, str]
) -> None:
    order = OrderFactory()

    with capture_events() as captured:
        outcomes = [deliver(make(order)) for make in makers]

    assert outcomes == [Outcome.PROCESSED] * len(makers)
    assert final_state(order) == expected
    settled = captured.of_type(OrderConfirmed) + captured.of_type(OrderRejected)
    assert len(settled) == 1, "the order settles exactly once"


@pytest.mark.parametrize("name", list(SAGAS))
@pytest.mark.parametrize("seed", range(5))
def test_shuffled_and_repeated_deliveries_settle_once_in_the_same_state(
    name: str, seed: int
) -> None:
    makers, expected = SAGAS[name]
    order = OrderFactory()
    events = [make(order) for make in makers]
    envelopes = [(SUBSCRIPTIONS[type(event)], make_envelope(event)) for event in events]
    # Every envelope three times (a broker redelivering), in a random order.
    deliveries = envelopes * 3
    random.Random(seed).shuffle(deliveries)

    with capture_events() as captured:
        outcomes = [redeliver(subscription, envelope) for subscription, envelope in deliveries]

    assert outcomes.count(Outcome.PROCESSED) == len(makers)
    assert outcomes.count(Outcome.DUPLICATE) == 2 * len(makers)
    assert final_state(order) == expected
    assert len(captured.of_type(OrderConfirmed) + captured.of_type(OrderRejected)) == 1


def test_reversed_redelivery_of_a_confirmed_saga_changes_nothing() -> None:
    order = OrderFactory()
    first = [deliver_to(SUBSCRIPTIONS[StockReserved], reserved(order))[0]]
    first.append(deliver_to(SUBSCRIPTIONS[PaymentAuthorized], authorized(order))[0])

    with capture_events() as captured:
        outcomes = [
            redeliver(SUBSCRIPTIONS[PaymentAuthorized], first[1]),
            redeliver(SUBSCRIPTIONS[StockReserved], first[0]),
        ]

    assert outcomes == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert final_state(order)[0] == OrderStatus.CONFIRMED
    assert captured.events == []


def test_a_failure_first_rejects_with_its_reason_whatever_follows() -> None:
    order = OrderFactory()

    deliver(declined(order))
    deliver(out_of_stock(order))
    deliver(reserved(order))

    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    assert order.rejection_reason == RejectionReason.PAYMENT_DECLINED
    assert order.rejection_detail == "The card was declined."


def test_an_expired_reservation_rejects_a_pending_order() -> None:
    order = OrderFactory()
    deliver(reserved(order))

    with capture_events() as captured:
        deliver(expired(order))

    (rejected,) = captured.of_type(OrderRejected)
    assert rejected.reason == "reservation_expired"
    assert final_state(order)[0] == OrderStatus.REJECTED


def test_dispatch_and_delivery_in_either_order_end_delivered() -> None:
    for first, second in [
        (ShipmentDispatched, ShipmentDelivered),
        (ShipmentDelivered, ShipmentDispatched),
    ]:
        order = OrderFactory(confirmed=True)
        shipment_id = uuid.uuid4()
        events = {
            ShipmentDispatched: ShipmentDispatched(
                shipment_id=shipment_id,
                order_id=order.id,
                customer_id=order.customer_id,
                tracking_number="TRK-9",
                dispatched_at=timezone.now(),
            ),
            ShipmentDelivered: ShipmentDelivered(
                shipment_id=shipment_id,
                order_id=order.id,
                customer_id=order.customer_id,
                delivered_at=timezone.now(),
            ),
        }

        deliver(events[first])
        deliver(events[second])

        assert final_state(order)[0] == OrderStatus.DELIVERED


def test_an_event_about_an_unknown_order_goes_to_the_dead_letters_at_once() -> None:
    ghost = OrderFactory.build()

    outcome = deliver(authorized(ghost))

    assert outcome == Outcome.DEAD
