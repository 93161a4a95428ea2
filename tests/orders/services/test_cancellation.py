"""Integration tests of cancelling: only confirmed, only before dispatch, only one's own."""

from __future__ import annotations

import uuid

import pytest

from contexts.orders import services
from contexts.orders.api import OrderNotFound
from contexts.orders.events import OrderCancelled
from contexts.orders.models import OrderStatus
from modulith.http.scope import Scope
from modulith.testing import capture_events
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_customer_cancels_a_confirmed_order_and_refund_and_restock_are_asked_for() -> None:
    order = OrderFactory(confirmed=True)

    with capture_events() as captured:
        cancelled = services.order_cancel(
            order_id=order.id, scope=Scope.customer(order.customer_id)
        )

    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.cancelled_at is not None
    (event,) = captured.of_type(OrderCancelled)
    assert (event.order_id, event.total, event.currency) == (order.id, order.total, "EUR")
    assert [(line.sku, line.quantity) for line in event.lines] == [
        (line.sku, line.quantity) for line in order.lines.all()
    ]


def test_staff_cancel_any_customers_order() -> None:
    order = OrderFactory(confirmed=True)

    cancelled = services.order_cancel(order_id=order.id, scope=Scope.everybody())

    assert cancelled.status == OrderStatus.CANCELLED


def test_another_customers_order_is_not_found() -> None:
    order = OrderFactory(confirmed=True)

    with pytest.raises(OrderNotFound):
        services.order_cancel(order_id=order.id, scope=Scope.customer(uuid.uuid4()))

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


@pytest.mark.parametrize("trait", ["pending", "rejected", "cancelled", "shipped", "delivered"])
def test_only_a_confirmed_order_can_be_cancelled(trait: str) -> None:
    order = OrderFactory(**({trait: True} if trait != "pending" else {}))

    with capture_events() as captured, pytest.raises(services.OrderNotCancellable) as refused:
        services.order_cancel(order_id=order.id, scope=Scope.customer(order.customer_id))

    assert refused.value.status == order.status
    assert captured.events == []
