"""OrderConfirmed and OrderCancelled of one order handled at the same moment by two workers
(PostgreSQL: real row locks and unique-key waits)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from contexts.shipping.models import Shipment, ShipmentStatus
from modulith.events.delivery import Outcome, deliver
from modulith.events.subscriptions import get_subscription
from modulith.testing import make_envelope
from tests.support.event_factories import OrderCancelledFactory, OrderConfirmedFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cancellation_racing_the_confirmation_never_leaves_a_live_shipment(
    postgres: None,
) -> None:
    orders = [OrderConfirmedFactory() for _ in range(5)]
    outcomes: list[Outcome] = []
    start = threading.Barrier(2 * len(orders))

    def handle(subscription: str, event: object) -> None:
        envelope = make_envelope(event)
        start.wait()
        try:
            outcomes.append(deliver(get_subscription(subscription), envelope))
        finally:
            connection.close()

    workers = [
        threading.Thread(target=handle, args=(subscription, event))
        for confirmed in orders
        for subscription, event in (
            ("shipping.on_order_confirmed", confirmed),
            ("shipping.on_order_cancelled", OrderCancelledFactory(order_id=confirmed.order_id)),
        )
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)

    assert outcomes == [Outcome.PROCESSED] * len(workers)
    statuses = set(Shipment.objects.values_list("status", flat=True))
    assert statuses <= {ShipmentStatus.CANCELLED, ShipmentStatus.WITHDRAWN}
    assert Shipment.objects.count() == len(orders)
