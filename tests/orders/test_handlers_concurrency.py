"""The join under real concurrency (PostgreSQL): the two branches of the saga handled at the
same moment by two workers must still meet. Each thread has its own connection and transaction,
as two Celery workers would."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from contexts.inventory.events import StockReserved
from contexts.orders.models import Order, OrderStatus
from contexts.orders.services import saga
from contexts.payments.events import PaymentAuthorized
from modulith.testing import Outcome, deliver_to
from tests.orders.factories import OrderFactory

ORDERS = 5


@pytest.mark.slow
@pytest.mark.usefixtures("transactional_db", "postgres")
def test_stock_and_payment_handled_at_once_still_confirm_every_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    orders = OrderFactory.create_batch(ORDERS)
    # Hold each handler's transaction open after it read the order, so that without the row
    # lock both branches would read the other as pending and neither would confirm.
    advance = saga._advance

    def slow_advance(*args: Any, **kwargs: Any) -> bool:
        time.sleep(0.2)
        return advance(*args, **kwargs)

    monkeypatch.setattr(saga, "_advance", slow_advance)
    deliveries: list[Callable[[], Outcome]] = []
    for order in orders:
        deliveries.append(lambda order=order: deliver_stock_reserved(order))
        deliveries.append(lambda order=order: deliver_payment_authorized(order))
    start = threading.Barrier(len(deliveries))

    def run(delivery: Callable[[], Outcome]) -> Outcome:
        try:
            start.wait()
            return delivery()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        outcomes = list(pool.map(run, deliveries))

    assert outcomes == [Outcome.PROCESSED] * len(deliveries)
    assert set(
        Order.objects.filter(id__in=[o.id for o in orders]).values_list("status", flat=True)
    ) == {OrderStatus.CONFIRMED}


def deliver_stock_reserved(order: Order) -> Outcome:
    event = StockReserved(
        order_id=order.id,
        reservation_id=uuid.uuid4(),
        lines=(),
        expires_at=timezone.now() + timedelta(minutes=15),
    )
    return deliver_to("orders.on_stock_reserved", event)[1]


def deliver_payment_authorized(order: Order) -> Outcome:
    event = PaymentAuthorized(
        payment_id=uuid.uuid4(),
        order_id=order.id,
        amount=order.total,
        currency=order.currency,
        authorized_at=timezone.now(),
    )
    return deliver_to("orders.on_payment_authorized", event)[1]
