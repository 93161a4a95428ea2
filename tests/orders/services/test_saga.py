"""The saga's join (unit: no database) and its services' rules for late and repeated events
(integration)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.orders import services
from contexts.orders.api import OrderNotFound
from contexts.orders.events import OrderConfirmed, OrderRejected
from contexts.orders.models import (
    Order,
    OrderStatus,
    PaymentStatus,
    RejectionReason,
    StockStatus,
)
from contexts.orders.services.saga import (
    joined_status,
    payment_failure_rejection,
    stock_failure_rejection,
)
from modulith.testing import capture_events
from tests.orders.factories import OrderFactory

# --- The join, as a pure function ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stock", "payment", "expected"),
    [
        (StockStatus.PENDING, PaymentStatus.PENDING, OrderStatus.PENDING),
        (StockStatus.RESERVED, PaymentStatus.PENDING, OrderStatus.PENDING),
        (StockStatus.PENDING, PaymentStatus.AUTHORIZED, OrderStatus.PENDING),
        (StockStatus.RESERVED, PaymentStatus.AUTHORIZED, OrderStatus.CONFIRMED),
        (StockStatus.FAILED, PaymentStatus.PENDING, OrderStatus.REJECTED),
        (StockStatus.FAILED, PaymentStatus.AUTHORIZED, OrderStatus.REJECTED),
        (StockStatus.PENDING, PaymentStatus.FAILED, OrderStatus.REJECTED),
        (StockStatus.RESERVED, PaymentStatus.FAILED, OrderStatus.REJECTED),
        (StockStatus.FAILED, PaymentStatus.FAILED, OrderStatus.REJECTED),
        (StockStatus.EXPIRED, PaymentStatus.PENDING, OrderStatus.REJECTED),
        (StockStatus.EXPIRED, PaymentStatus.AUTHORIZED, OrderStatus.REJECTED),
    ],
)
def test_a_pending_order_joins_its_two_branches(
    stock: StockStatus, payment: PaymentStatus, expected: OrderStatus
) -> None:
    assert (
        joined_status(status=OrderStatus.PENDING, stock_status=stock, payment_status=payment)
        == expected
    )


@pytest.mark.parametrize(
    "settled",
    [OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
)
def test_a_settled_order_never_moves_back_through_the_join(settled: OrderStatus) -> None:
    assert (
        joined_status(
            status=settled,
            stock_status=StockStatus.RESERVED,
            payment_status=PaymentStatus.AUTHORIZED,
        )
        == settled
    )


@pytest.mark.parametrize(
    ("payment_reason", "rejection"),
    [
        ("declined", RejectionReason.PAYMENT_DECLINED),
        ("insufficient_funds", RejectionReason.INSUFFICIENT_FUNDS),
        ("provider_unavailable", RejectionReason.PAYMENT_UNAVAILABLE),
        ("unknown_payment_method", RejectionReason.PAYMENT_DECLINED),
        ("something_new", RejectionReason.PAYMENT_DECLINED),
    ],
)
def test_payment_failures_map_to_stable_rejection_reasons(
    payment_reason: str, rejection: RejectionReason
) -> None:
    assert payment_failure_rejection(reason=payment_reason, detail="d").reason == rejection


def test_a_stock_failure_names_the_missing_skus() -> None:
    rejection = stock_failure_rejection(unavailable_skus=("MUG-1", "TEE-1"))

    assert rejection.reason == RejectionReason.OUT_OF_STOCK
    assert "MUG-1, TEE-1" in rejection.detail


# --- Services -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_both_branches_succeeding_confirms_the_order_and_publishes_it_once() -> None:
    order = OrderFactory()
    services.order_record_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())

    with capture_events() as captured:
        services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())
        services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.confirmed_at is not None
    (confirmed,) = captured.of_type(OrderConfirmed)
    assert confirmed.total == order.total
    assert [line.sku for line in confirmed.lines] == [line.sku for line in order.lines.all()]


@pytest.mark.django_db
def test_a_payment_failure_rejects_with_the_payments_detail() -> None:
    order = OrderFactory()

    with capture_events() as captured:
        services.order_record_payment_failed(
            order_id=order.id, reason="insufficient_funds", detail="The card has no funds."
        )

    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    assert order.rejection_reason == RejectionReason.INSUFFICIENT_FUNDS
    (rejected,) = captured.of_type(OrderRejected)
    assert (rejected.reason, rejected.detail) == ("insufficient_funds", "The card has no funds.")


@pytest.mark.django_db
def test_an_authorization_after_rejection_is_recorded_but_does_not_reopen_the_order() -> None:
    order = OrderFactory(rejected=True)

    with capture_events() as captured:
        services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())

    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    assert order.payment_status == PaymentStatus.AUTHORIZED
    assert captured.events == []
    assert order.history.last().note == "order already rejected"


@pytest.mark.django_db
def test_a_reserved_that_overtook_nothing_never_undoes_an_expiry() -> None:
    order = OrderFactory()
    services.order_record_stock_expired(order_id=order.id, reservation_id=uuid.uuid4())

    services.order_record_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())
    services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())

    order.refresh_from_db()
    assert (order.status, order.stock_status) == (OrderStatus.REJECTED, StockStatus.EXPIRED)
    assert order.rejection_reason == RejectionReason.RESERVATION_EXPIRED


@pytest.mark.django_db
def test_an_expiry_after_confirmation_is_recorded_and_the_order_stays_confirmed() -> None:
    order = OrderFactory(confirmed=True)

    services.order_record_stock_expired(order_id=order.id, reservation_id=order.reservation_id)

    order.refresh_from_db()
    assert (order.status, order.stock_status) == (OrderStatus.CONFIRMED, StockStatus.EXPIRED)


@pytest.mark.django_db
def test_a_capture_is_never_undone_by_a_repeated_authorization() -> None:
    order = OrderFactory(confirmed=True)
    services.order_record_payment_captured(order_id=order.id, payment_id=order.payment_id)

    services.order_record_payment_authorized(order_id=order.id, payment_id=order.payment_id)

    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.CAPTURED


@pytest.mark.django_db
def test_refund_and_restock_after_a_cancel_are_recorded() -> None:
    order = OrderFactory(cancelled=True)

    services.order_record_payment_refunded(order_id=order.id, payment_id=order.payment_id)
    services.order_record_stock_released(order_id=order.id, reservation_id=order.reservation_id)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (order.payment_status, order.stock_status) == (
        PaymentStatus.REFUNDED,
        StockStatus.RELEASED,
    )


@pytest.mark.django_db
def test_dispatch_ships_a_confirmed_order_and_keeps_the_tracking_number() -> None:
    order = OrderFactory(confirmed=True)
    dispatched_at = timezone.now()

    services.order_record_shipment_dispatched(
        order_id=order.id,
        shipment_id=uuid.uuid4(),
        tracking_number="TRK-1",
        dispatched_at=dispatched_at,
    )

    order.refresh_from_db()
    assert (order.status, order.tracking_number, order.shipped_at) == (
        OrderStatus.SHIPPED,
        "TRK-1",
        dispatched_at,
    )


@pytest.mark.django_db
def test_a_delivery_that_overtakes_its_dispatch_still_ends_the_order_delivered() -> None:
    order = OrderFactory(confirmed=True)
    shipment_id = uuid.uuid4()
    now = timezone.now()

    services.order_record_shipment_delivered(
        order_id=order.id, shipment_id=shipment_id, delivered_at=now
    )
    services.order_record_shipment_dispatched(
        order_id=order.id,
        shipment_id=shipment_id,
        tracking_number="TRK-2",
        dispatched_at=now - timedelta(days=2),
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.tracking_number == "TRK-2"


@pytest.mark.django_db
def test_a_dispatch_after_cancellation_leaves_the_order_cancelled() -> None:
    order = OrderFactory(cancelled=True)

    services.order_record_shipment_dispatched(
        order_id=order.id,
        shipment_id=uuid.uuid4(),
        tracking_number="TRK-3",
        dispatched_at=timezone.now(),
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.django_db
def test_every_event_is_kept_in_the_orders_history() -> None:
    order = OrderFactory()

    services.order_record_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())
    services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())
    services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())

    assert list(order.history.values_list("event", "note")) == [
        ("stock_reserved", ""),
        ("payment_authorized", ""),
        ("confirmed", ""),
        ("payment_authorized", "payment stays authorized; order already confirmed"),
    ]


@pytest.mark.django_db
def test_an_event_about_an_unknown_order_raises_order_not_found() -> None:
    with pytest.raises(OrderNotFound):
        services.order_record_stock_reserved(order_id=uuid.uuid4(), reservation_id=uuid.uuid4())

    assert not Order.objects.exists()
