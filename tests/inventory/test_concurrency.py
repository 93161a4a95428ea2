"""Reservations under real concurrency (PostgreSQL): stock is never oversold."""

from __future__ import annotations

import threading

from django.db import connection

from contexts.inventory.events import StockReservationFailed, StockReserved
from contexts.inventory.models import Reservation, ReservationStatus, StockItem
from modulith.events.delivery import Outcome
from modulith.models import OutboxMessage
from modulith.testing import deliver_to
from tests.inventory.factories import StockItemFactory
from tests.support.event_factories import OrderPlacedFactory, order_lines

ORDERS = 20
ON_HAND = 5


def published(event_class: type) -> int:
    return OutboxMessage.objects.filter(event_type=event_class.__event_spec__.type).count()  # type: ignore[attr-defined]


def test_twenty_concurrent_orders_for_five_units_reserve_exactly_five(
    transactional_db: None, postgres: None
) -> None:
    StockItemFactory(sku="HOT-1", on_hand=ON_HAND)
    orders = [OrderPlacedFactory(lines=order_lines(("HOT-1", 1))) for _ in range(ORDERS)]
    start = threading.Barrier(ORDERS + 1)
    outcomes: list[Outcome] = []
    lowest_available: list[int] = []
    done = threading.Event()

    def place(order: object) -> None:
        try:
            start.wait()
            outcomes.append(deliver_to("inventory.on_order_placed", order)[1])
        finally:
            connection.close()

    def watch() -> None:
        # Samples committed stock while the orders race: available must never dip below zero.
        try:
            start.wait()
            while not done.is_set():
                item = StockItem.objects.get(sku="HOT-1")
                lowest_available.append(item.on_hand - item.reserved)
        finally:
            connection.close()

    workers = [threading.Thread(target=place, args=(order,)) for order in orders]
    watcher = threading.Thread(target=watch)
    for thread in [*workers, watcher]:
        thread.start()
    for thread in workers:
        thread.join()
    done.set()
    watcher.join()

    assert outcomes == [Outcome.PROCESSED] * ORDERS
    assert published(StockReserved) == ON_HAND
    assert published(StockReservationFailed) == ORDERS - ON_HAND
    item = StockItem.objects.get(sku="HOT-1")
    assert (item.on_hand, item.reserved) == (ON_HAND, ON_HAND)
    assert Reservation.objects.filter(status=ReservationStatus.RESERVED).count() == ON_HAND
    assert lowest_available and min(lowest_available) >= 0
