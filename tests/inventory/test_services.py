"""Inventory write use cases: expiry of reservations and staff adjustments."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.inventory import services
from contexts.inventory.events import StockReservationExpired
from contexts.inventory.models import Reservation, ReservationStatus, StockAdjustment, StockItem
from contexts.inventory.selectors import StockItemNotFound
from modulith.testing import capture_events
from tests.inventory.factories import StockItemFactory

NOW = timezone.now()


def reserve(sku: str, quantity: int) -> Reservation:
    return services.reservation_place(order_id=uuid.uuid4(), lines=[(sku, quantity)], now=NOW)


def levels(sku: str) -> tuple[int, int]:
    item = StockItem.objects.get(sku=sku)
    return item.on_hand, item.reserved


# --- Expiry -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overdue_reservations_expire_release_their_stock_and_say_so() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    reservation = reserve("SKU-A", 2)
    assert reservation.expires_at is not None
    later = reservation.expires_at + timedelta(seconds=1)

    with capture_events() as captured:
        expired = services.reservations_expire(now=later)

    assert expired == 1
    assert captured.events == [
        StockReservationExpired(
            order_id=reservation.order_id,
            reservation_id=reservation.id,
            expired_at=reservation.expires_at,
        )
    ]
    assert levels("SKU-A") == (5, 0)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED


@pytest.mark.django_db
def test_reservations_not_yet_due_are_kept() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    reservation = reserve("SKU-A", 2)
    assert reservation.expires_at is not None

    with capture_events() as captured:
        expired = services.reservations_expire(now=reservation.expires_at)

    assert (expired, captured.events) == (0, [])
    assert levels("SKU-A") == (5, 2)


@pytest.mark.django_db
def test_committed_reservations_never_expire() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    reservation = reserve("SKU-A", 2)
    services.reservation_commit(order_id=reservation.order_id)

    expired = services.reservations_expire(now=NOW + timedelta(days=30))

    assert expired == 0
    assert levels("SKU-A") == (3, 0)


@pytest.mark.django_db
def test_expiring_twice_releases_once() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    reservation = reserve("SKU-A", 2)
    later = NOW + timedelta(days=1)
    services.reservations_expire(now=later)

    with capture_events() as captured:
        again = services.reservation_expire(reservation_id=reservation.id, now=later)

    assert (again, captured.events) == (False, [])
    assert levels("SKU-A") == (5, 0)


@pytest.mark.django_db
def test_an_expiry_run_handles_at_most_its_batch() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    for _ in range(3):
        reserve("SKU-A", 1)

    expired = services.reservations_expire(now=NOW + timedelta(days=1), limit=2)

    assert expired == 2
    assert levels("SKU-A") == (5, 1)


# --- Adjustments --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_adjustment_changes_on_hand_and_is_logged_with_its_author() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)
    actor = uuid.uuid4()

    adjustment = services.stock_adjust(sku="SKU-A", delta=-2, reason=" broken ", actor_id=actor)

    assert levels("SKU-A") == (3, 0)
    logged = StockAdjustment.objects.get()
    assert logged == adjustment
    assert (logged.stock_item_id, logged.delta, logged.reason, logged.on_hand_after) == (
        "SKU-A",
        -2,
        "broken",
        3,
    )
    assert logged.actor_id == actor


@pytest.mark.django_db
def test_on_hand_can_never_drop_below_the_reserved_units() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5, reserved=3)

    with pytest.raises(services.StockBelowReserved) as refused:
        services.stock_adjust(sku="SKU-A", delta=-3, reason="count", actor_id=None)

    assert (refused.value.on_hand, refused.value.reserved) == (5, 3)
    assert levels("SKU-A") == (5, 3)
    assert not StockAdjustment.objects.exists()


@pytest.mark.django_db
def test_on_hand_may_drop_exactly_to_the_reserved_units() -> None:
    StockItemFactory(sku="SKU-A", on_hand=5, reserved=3)

    services.stock_adjust(sku="SKU-A", delta=-2, reason="count", actor_id=None)

    assert levels("SKU-A") == (3, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delta", "reason"), [(0, "nothing"), (1, "   "), (services.stock.MAX_ON_HAND, "too many")]
)
def test_pointless_or_overflowing_adjustments_are_refused(delta: int, reason: str) -> None:
    StockItemFactory(sku="SKU-A", on_hand=5)

    with pytest.raises(services.StockAdjustmentInvalid):
        services.stock_adjust(sku="SKU-A", delta=delta, reason=reason, actor_id=None)


@pytest.mark.django_db
def test_adjusting_an_untracked_sku_raises_not_found() -> None:
    with pytest.raises(StockItemNotFound):
        services.stock_adjust(sku="GHOST-1", delta=1, reason="found one", actor_id=None)


# --- Without a database -------------------------------------------------------------------------


def test_the_reservation_ttl_defaults_to_fifteen_minutes(settings: object) -> None:
    del settings.INVENTORY_RESERVATION_TTL  # type: ignore[attr-defined]

    assert services.reservations.reservation_ttl() == timedelta(minutes=15)


@pytest.mark.parametrize("configured", [90, timedelta(seconds=90)])
def test_the_reservation_ttl_accepts_seconds_or_a_timedelta(
    settings: object, configured: object
) -> None:
    settings.INVENTORY_RESERVATION_TTL = configured  # type: ignore[attr-defined]

    assert services.reservations.reservation_ttl() == timedelta(seconds=90)


def test_quantities_of_one_sku_add_up_and_come_out_in_lock_order() -> None:
    quantities = services.reservations.quantities_by_sku([("B", 1), ("A", 2), ("B", 3)])

    assert list(quantities.items()) == [("A", 2), ("B", 4)]


@pytest.mark.parametrize("lines", [[], [("A", 0)], [("A", 2), ("B", -1)]])
def test_an_order_without_lines_or_with_a_quantity_below_one_cannot_be_reserved(
    lines: list[tuple[str, int]],
) -> None:
    with pytest.raises(services.ReservationRequestInvalid):
        services.reservations.quantities_by_sku(lines)
