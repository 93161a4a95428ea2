"""Inventory's reactions to catalog and orders events, delivered one subscription at a time.

Every order must end in the right state whatever order its events arrive in and however often:
the tests replay events late, early and twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contexts.inventory.events import (
    ReservedLine,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from contexts.inventory.models import Reservation, ReservationStatus, StockItem
from contexts.inventory.services import reservations_expire
from modulith.events.delivery import Outcome
from modulith.testing import capture_events, deliver_to, redeliver
from tests.inventory.factories import StockItemFactory
from tests.support.event_factories import (
    OrderCancelledFactory,
    OrderConfirmedFactory,
    OrderPlacedFactory,
    OrderRejectedFactory,
    ProductPublishedFactory,
    order_lines,
)

pytestmark = pytest.mark.django_db

PLACED = "inventory.on_order_placed"
CONFIRMED = "inventory.on_order_confirmed"
REJECTED = "inventory.on_order_rejected"
CANCELLED = "inventory.on_order_cancelled"


def levels(sku: str) -> tuple[int, int]:
    """(on_hand, reserved) of a sku now."""
    item = StockItem.objects.get(sku=sku)
    return item.on_hand, item.reserved


def status_of(order_id: Any) -> str:
    return Reservation.objects.get(order_id=order_id).status


def place(*quantities: tuple[str, int]) -> Any:
    """Deliver an OrderPlaced with these lines; return the event."""
    placed = OrderPlacedFactory(lines=order_lines(*quantities))
    _, outcome = deliver_to(PLACED, placed)
    assert outcome == Outcome.PROCESSED
    return placed


# --- Stock items --------------------------------------------------------------------------------


def test_a_published_product_gets_an_empty_stock_item() -> None:
    deliver_to("inventory.on_product_published", ProductPublishedFactory(sku="NEW-1"))

    assert levels("NEW-1") == (0, 0)


def test_a_product_published_again_keeps_its_stock() -> None:
    StockItemFactory(sku="MUG-1", on_hand=7, reserved=2)

    deliver_to("inventory.on_product_published", ProductPublishedFactory(sku="MUG-1"))

    assert levels("MUG-1") == (7, 2)


# --- Reserving ----------------------------------------------------------------------------------


def test_an_order_with_stock_for_every_line_is_reserved_until_the_ttl(settings: Any) -> None:
    settings.INVENTORY_RESERVATION_TTL = timedelta(minutes=5)
    StockItemFactory(sku="SKU-A", on_hand=5)
    StockItemFactory(sku="SKU-B", on_hand=2)
    placed = OrderPlacedFactory(lines=order_lines(("SKU-B", 2), ("SKU-A", 1)))
    before = timezone.now()

    with capture_events() as captured:
        deliver_to(PLACED, placed)

    [reserved] = captured.events
    assert isinstance(reserved, StockReserved)
    assert reserved.order_id == placed.order_id
    assert reserved.lines == (ReservedLine("SKU-A", 1), ReservedLine("SKU-B", 2))
    assert (
        before + timedelta(minutes=5)
        <= reserved.expires_at
        <= timezone.now() + timedelta(minutes=5)
    )
    assert (levels("SKU-A"), levels("SKU-B")) == ((5, 1), (2, 2))
    reservation = Reservation.objects.get(order_id=placed.order_id)
    assert (reservation.id, reservation.status) == (reserved.reservation_id, "reserved")


def test_lines_of_the_same_sku_are_reserved_as_one() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)

    with capture_events() as captured:
        place(("SKU-A", 2), ("SKU-A", 3))

    [reserved] = captured.of_type(StockReserved)
    assert reserved.lines == (ReservedLine("SKU-A", 5),)
    assert levels("SKU-A") == (5, 5)


def test_lines_that_fit_alone_but_not_together_fail() -> None:
    StockItemFactory(sku="SKU-A", on_hand=4)

    with capture_events() as captured:
        place(("SKU-A", 2), ("SKU-A", 3))

    assert captured.events == [
        StockReservationFailed(
            order_id=captured.events[0].order_id,  # type: ignore[attr-defined]
            reason="out_of_stock",
            unavailable_skus=("SKU-A",),
        )
    ]


def test_one_short_line_fails_the_order_and_reserves_nothing() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    StockItemFactory(sku="SKU-B", on_hand=3, reserved=2)

    with capture_events() as captured:
        placed = place(("SKU-A", 1), ("SKU-B", 2))

    assert captured.events == [
        StockReservationFailed(
            order_id=placed.order_id, reason="out_of_stock", unavailable_skus=("SKU-B",)
        )
    ]
    assert (levels("SKU-A"), levels("SKU-B")) == ((5, 0), (3, 2))
    assert status_of(placed.order_id) == ReservationStatus.FAILED


def test_an_unknown_sku_fails_the_order_with_reason_unknown_sku() -> None:
    StockItemFactory(sku="SKU-A", on_hand=0)

    with capture_events() as captured:
        placed = place(("SKU-A", 1), ("GHOST-1", 1))

    assert captured.events == [
        StockReservationFailed(
            order_id=placed.order_id, reason="unknown_sku", unavailable_skus=("GHOST-1", "SKU-A")
        )
    ]


def test_an_order_with_a_quantity_below_one_is_dead_lettered() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)

    _, outcome = deliver_to(PLACED, OrderPlacedFactory(lines=order_lines(("SKU-A", 0))))

    assert outcome == Outcome.DEAD
    assert levels("SKU-A") == (5, 0)
    assert not Reservation.objects.exists()


# --- Settling -----------------------------------------------------------------------------------


def test_a_confirmed_order_takes_its_reserved_units_off_the_shelf() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))

    with capture_events() as captured:
        deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    assert captured.events == []
    assert levels("SKU-A") == (3, 0)
    assert status_of(placed.order_id) == ReservationStatus.COMMITTED


def test_a_rejected_order_gives_its_reservation_back() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))

    with capture_events() as captured:
        deliver_to(REJECTED, OrderRejectedFactory(order_id=placed.order_id))

    reservation = Reservation.objects.get(order_id=placed.order_id)
    assert captured.events == [
        StockReleased(
            order_id=placed.order_id, reservation_id=reservation.id, reason="order_rejected"
        )
    ]
    assert levels("SKU-A") == (5, 0)
    assert reservation.status == ReservationStatus.RELEASED


def test_a_rejected_order_that_reserved_nothing_releases_nothing() -> None:
    StockItemFactory(sku="SKU-A", on_hand=1)
    placed = place(("SKU-A", 2))

    with capture_events() as captured:
        deliver_to(REJECTED, OrderRejectedFactory(order_id=placed.order_id, reason="out_of_stock"))

    assert captured.events == []
    assert status_of(placed.order_id) == ReservationStatus.FAILED


def test_a_cancelled_confirmed_order_is_restocked() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))
    deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=placed.order_id))

    [released] = captured.events
    assert isinstance(released, StockReleased)
    assert released.reason == "order_cancelled"
    assert levels("SKU-A") == (5, 0)
    assert status_of(placed.order_id) == ReservationStatus.RESTOCKED


def test_a_cancelled_order_still_only_reserved_is_released() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=placed.order_id))

    assert [event.reason for event in captured.of_type(StockReleased)] == ["order_cancelled"]
    assert levels("SKU-A") == (5, 0)
    assert status_of(placed.order_id) == ReservationStatus.RELEASED


# --- Events out of order ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "early", [OrderRejectedFactory, OrderCancelledFactory], ids=["rejected", "cancelled"]
)
def test_an_order_that_ended_before_it_was_placed_never_reserves(early: Any) -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = OrderPlacedFactory(lines=order_lines(("SKU-A", 1)))
    subscription = REJECTED if early is OrderRejectedFactory else CANCELLED
    deliver_to(subscription, early(order_id=placed.order_id))

    with capture_events() as captured:
        _, outcome = deliver_to(PLACED, placed)

    assert outcome == Outcome.PROCESSED
    assert captured.events == []
    assert levels("SKU-A") == (5, 0)
    assert status_of(placed.order_id) == ReservationStatus.CLOSED


def test_a_confirmation_after_expiry_takes_the_units_again_when_they_are_there() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))
    reservations_expire(now=timezone.now() + timedelta(days=1))

    _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    assert outcome == Outcome.PROCESSED
    assert levels("SKU-A") == (3, 0)
    assert status_of(placed.order_id) == ReservationStatus.COMMITTED


def test_a_confirmation_after_expiry_with_the_units_gone_is_dead_lettered_for_a_person() -> None:
    StockItemFactory(sku="SKU-A", on_hand=2)
    placed = place(("SKU-A", 2))
    reservations_expire(now=timezone.now() + timedelta(days=1))
    place(("SKU-A", 2))  # another order takes the released units

    _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    assert outcome == Outcome.DEAD
    assert levels("SKU-A") == (2, 2)
    assert status_of(placed.order_id) == ReservationStatus.EXPIRED


def test_a_confirmation_for_an_order_inventory_never_saw_is_retried() -> None:
    _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory())

    assert outcome == Outcome.RETRYING


def test_a_rejection_after_expiry_changes_nothing() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))
    reservations_expire(now=timezone.now() + timedelta(days=1))

    with capture_events() as captured:
        deliver_to(REJECTED, OrderRejectedFactory(order_id=placed.order_id))

    assert captured.events == []
    assert levels("SKU-A") == (5, 0)
    assert status_of(placed.order_id) == ReservationStatus.EXPIRED


# --- Duplicates ---------------------------------------------------------------------------------


def test_redelivered_envelopes_are_acknowledged_without_running_again() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = OrderPlacedFactory(lines=order_lines(("SKU-A", 2)))
    placed_envelope, _ = deliver_to(PLACED, placed)
    confirmed_envelope, _ = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    with capture_events() as captured:
        outcomes = [redeliver(PLACED, placed_envelope), redeliver(CONFIRMED, confirmed_envelope)]

    assert outcomes == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert captured.events == []
    assert levels("SKU-A") == (3, 0)


def test_the_same_facts_published_twice_change_the_stock_once() -> None:
    # New event ids, so the inbox cannot help: only the reservation's state can.
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = OrderPlacedFactory(lines=order_lines(("SKU-A", 2)))
    confirmed = OrderConfirmedFactory(order_id=placed.order_id)
    cancelled = OrderCancelledFactory(order_id=placed.order_id)

    with capture_events() as captured:
        for event, subscription in [
            (placed, PLACED),
            (placed, PLACED),
            (confirmed, CONFIRMED),
            (confirmed, CONFIRMED),
            (cancelled, CANCELLED),
            (cancelled, CANCELLED),
        ]:
            _, outcome = deliver_to(subscription, event)
            assert outcome == Outcome.PROCESSED

    assert [type(event) for event in captured.events] == [StockReserved, StockReleased]
    assert levels("SKU-A") == (5, 0)
    assert status_of(placed.order_id) == ReservationStatus.RESTOCKED


def test_a_rejection_delivered_twice_releases_once() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    placed = place(("SKU-A", 2))
    rejected = OrderRejectedFactory(order_id=placed.order_id)

    with capture_events() as captured:
        deliver_to(REJECTED, rejected)
        deliver_to(REJECTED, rejected)

    assert len(captured.of_type(StockReleased)) == 1
    assert levels("SKU-A") == (5, 0)
