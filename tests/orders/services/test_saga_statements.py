"""The columns a saga step writes (a count, never a timing).

A step changes a handful of an order's columns; saving all of them would write about thirty.
The lists here are what each step may change, so a step that starts setting another column
must name it, or the new value would silently never reach the table.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contexts.orders import services
from contexts.orders.models import Order, OrderStatus
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.django_db]


def columns_written(captured: CaptureQueriesContext) -> set[str]:
    """The columns of the step's one UPDATE of orders_order."""
    (update,) = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "orders_order"')]
    set_clause = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    return set(re.findall(r'"(\w+)" = ', set_clause))


JOIN = ["status", "confirmed_at", "rejection_reason", "rejection_detail", "rejected_at"]


def test_a_branch_step_writes_its_branch_the_join_and_the_timestamp_only() -> None:
    order = OrderFactory()
    services.order_record_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())

    with CaptureQueriesContext(connection) as captured:
        services.order_record_payment_authorized(order_id=order.id, payment_id=uuid.uuid4())

    assert columns_written(captured) == {"payment_status", *JOIN, "payment_id", "updated_at"}
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.confirmed_at is not None


def test_a_fulfilment_step_writes_the_shipments_columns_and_the_timestamp_only() -> None:
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    before = Order.objects.get(id=order.id).updated_at

    with CaptureQueriesContext(connection) as captured:
        services.order_record_shipment_dispatched(
            order_id=order.id,
            shipment_id=uuid.uuid4(),
            tracking_number="TRK-1",
            dispatched_at=timezone.now(),
        )

    assert columns_written(captured) == {
        "shipment_id",
        "tracking_number",
        "shipped_at",
        "status",
        "updated_at",
    }
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (OrderStatus.SHIPPED, "TRK-1")
    assert order.updated_at > before
