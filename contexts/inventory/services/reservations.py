"""Reservations: stock held for an order, all-or-nothing, until it is committed, released,
restocked or expires.

Events about one order may arrive in any order and more than once, so every use case reads the
order's Reservation (at most one per order, whatever happened) and acts on its status. Locks are
always taken in the same order, the reservation row first and then stock items by sku, so
concurrent use cases queue instead of deadlocking.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from contexts.inventory import database
from contexts.inventory.events import (
    ReservedLine,
    StockReleased,
    StockReservationExpired,
    StockReservationFailed,
    StockReserved,
)
from contexts.inventory.models import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    StockItem,
)
from modulith import publish

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(minutes=15)
# Reservations one expiry run handles at most; the next run picks up the rest.
EXPIRY_BATCH = 500

OUT_OF_STOCK = "out_of_stock"
UNKNOWN_SKU = "unknown_sku"
ORDER_REJECTED = "order_rejected"
ORDER_CANCELLED = "order_cancelled"


class ReservationRequestInvalid(ValueError):
    """The order's lines cannot be reserved as given (no lines, or a quantity below one)."""


class ReservationNotFound(LookupError):
    pass


class ReservationConflict(RuntimeError):
    """An event contradicts what inventory recorded for the order; a person must look."""


def reservation_ttl() -> timedelta:
    """settings.INVENTORY_RESERVATION_TTL (a timedelta or seconds), 15 minutes by default."""
    ttl = getattr(settings, "INVENTORY_RESERVATION_TTL", DEFAULT_TTL)
    return ttl if isinstance(ttl, timedelta) else timedelta(seconds=float(ttl))


@database.atomic
def reservation_place(
    *, order_id: UUID, lines: Iterable[tuple[str, int]], now: datetime | None = None
) -> Reservation:
    """Reserve every line of an order, or nothing.

    Publishes StockReserved, or StockReservationFailed listing every sku that cannot be served,
    with reason unknown_sku if any of them is untracked, else out_of_stock. An order inventory
    already knows (reserved, failed, closed by an earlier rejection…) is left as it is.
    """
    quantities = quantities_by_sku(lines)
    existing = _reservation_of(Reservation.objects.all(), order_id)
    if existing is not None:
        return existing
    items = _locked_items(quantities)
    unknown = [sku for sku in quantities if sku not in items]
    short = [sku for sku in items if items[sku].available < quantities[sku]]
    if unknown or short:
        return _fail(
            order_id, reason=UNKNOWN_SKU if unknown else OUT_OF_STOCK, skus=unknown + short
        )
    for sku, item in items.items():
        item.reserved += quantities[sku]
        item.save(update_fields=["reserved", "updated_at"])
    expires_at = (now or timezone.now()) + reservation_ttl()
    reservation = Reservation.objects.create(
        order_id=order_id, status=ReservationStatus.RESERVED, expires_at=expires_at
    )
    ReservationLine.objects.bulk_create(
        ReservationLine(reservation=reservation, sku=sku, quantity=quantity)
        for sku, quantity in quantities.items()
    )
    publish(
        StockReserved(
            order_id=order_id,
            reservation_id=reservation.id,
            lines=tuple(ReservedLine(sku=sku, quantity=qty) for sku, qty in quantities.items()),
            expires_at=expires_at,
        )
    )
    return reservation


@database.atomic
def reservation_commit(*, order_id: UUID) -> Reservation:
    """The order is confirmed: its reserved units leave the shelf (reserved and on_hand drop).

    A reservation that expired just before the confirmation arrived is honoured from available
    stock if there is enough; otherwise ReservationConflict (selling it again would oversell).
    """
    reservation = _locked_reservation(order_id)
    if reservation is None:
        # Orders confirms only after StockReserved, which is committed with the reservation.
        raise ReservationNotFound(f"No reservation for confirmed order {order_id}.")
    if reservation.status == ReservationStatus.RESERVED:
        _move_stock(reservation, reserved=-1, on_hand=-1)
    elif reservation.status == ReservationStatus.EXPIRED:
        _take_again(reservation)
    elif reservation.status in (ReservationStatus.COMMITTED, ReservationStatus.RESTOCKED):
        return reservation  # a repeated confirmation: already done
    else:
        raise ReservationConflict(
            f"Order {order_id} was confirmed, but its reservation is {reservation.status}."
        )
    _set_status(reservation, ReservationStatus.COMMITTED)
    return reservation


@database.atomic
def reservation_reject(*, order_id: UUID) -> Reservation:
    """The order was rejected: give back what it holds. If it arrives before the order was
    placed here, record the order as closed so the late OrderPlaced reserves nothing."""
    reservation = _locked_reservation(order_id)
    if reservation is None:
        return _close(order_id)
    if reservation.status == ReservationStatus.RESERVED:
        _release(reservation, reason=ORDER_REJECTED)
    elif reservation.status == ReservationStatus.COMMITTED:
        # Orders never rejects a confirmed order; keep the sale and leave a trace.
        logger.warning("order %s rejected after its stock was committed; ignored", order_id)
    return reservation


@database.atomic
def reservation_cancel(*, order_id: UUID) -> Reservation:
    """The order was cancelled: restock a committed sale, release a held reservation."""
    reservation = _locked_reservation(order_id)
    if reservation is None:
        return _close(order_id)
    if reservation.status == ReservationStatus.COMMITTED:
        _move_stock(reservation, reserved=0, on_hand=+1)
        _set_status(reservation, ReservationStatus.RESTOCKED)
        publish(
            StockReleased(order_id=order_id, reservation_id=reservation.id, reason=ORDER_CANCELLED)
        )
    elif reservation.status == ReservationStatus.RESERVED:
        _release(reservation, reason=ORDER_CANCELLED)
    return reservation


def reservations_expire(*, now: datetime, limit: int = EXPIRY_BATCH) -> int:
    """Expire held reservations whose deadline passed; returns how many expired.

    Not one transaction: each reservation expires in its own, so locks stay short and one
    failure does not undo the others.
    """
    due = (
        Reservation.objects.filter(status=ReservationStatus.RESERVED, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("id", flat=True)[:limit]
    )
    return sum(reservation_expire(reservation_id=pk, now=now) for pk in list(due))


@database.atomic
def reservation_expire(*, reservation_id: UUID, now: datetime) -> bool:
    """Expire one reservation if it is still held and past due (it may have been committed
    since the expiry run listed it). Publishes StockReservationExpired."""
    reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
    expires_at = reservation.expires_at
    if reservation.status != ReservationStatus.RESERVED or expires_at is None or expires_at >= now:
        return False
    _move_stock(reservation, reserved=-1, on_hand=0)
    _set_status(reservation, ReservationStatus.EXPIRED)
    publish(
        StockReservationExpired(
            order_id=reservation.order_id, reservation_id=reservation.id, expired_at=expires_at
        )
    )
    return True


def quantities_by_sku(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Quantity per sku, sorted by sku (the lock order); lines of one sku add up."""
    quantities: Counter[str] = Counter()
    for sku, quantity in lines:
        if quantity < 1:
            raise ReservationRequestInvalid(f"Line {sku!r} has quantity {quantity}; need >= 1.")
        quantities[sku] += quantity
    if not quantities:
        raise ReservationRequestInvalid("An order without lines has nothing to reserve.")
    return dict(sorted(quantities.items()))


def _locked_items(skus: Iterable[str]) -> dict[str, StockItem]:
    # Ordered by sku: every transaction locks stock rows in the same order.
    items = StockItem.objects.select_for_update().filter(sku__in=list(skus)).order_by("sku")
    return {item.sku: item for item in items}


def _locked_reservation(order_id: UUID) -> Reservation | None:
    return _reservation_of(Reservation.objects.select_for_update(), order_id)


def _reservation_of(reservations: QuerySet[Reservation], order_id: UUID) -> Reservation | None:
    # order_id is unique: get() asks for the one row without the ORDER BY .first() would add.
    try:
        return reservations.get(order_id=order_id)
    except Reservation.DoesNotExist:
        return None


def _fail(order_id: UUID, *, reason: str, skus: list[str]) -> Reservation:
    reservation = Reservation.objects.create(order_id=order_id, status=ReservationStatus.FAILED)
    publish(
        StockReservationFailed(
            order_id=order_id, reason=reason, unavailable_skus=tuple(sorted(skus))
        )
    )
    return reservation


def _close(order_id: UUID) -> Reservation:
    # A concurrent OrderPlaced may insert the row first: the unique order_id makes this
    # transaction fail, and the retried delivery then finds that row and acts on it.
    return Reservation.objects.create(order_id=order_id, status=ReservationStatus.CLOSED)


def _release(reservation: Reservation, *, reason: str) -> None:
    _move_stock(reservation, reserved=-1, on_hand=0)
    _set_status(reservation, ReservationStatus.RELEASED)
    publish(
        StockReleased(order_id=reservation.order_id, reservation_id=reservation.id, reason=reason)
    )


def _move_stock(reservation: Reservation, *, reserved: int, on_hand: int) -> None:
    """Add `reserved` and `on_hand` times each line's quantity (-1, 0 or +1) to its stock item."""
    quantities = {line.sku: line.quantity for line in reservation.lines.all()}
    items = _locked_items(quantities)
    for sku, quantity in quantities.items():
        item = items[sku]
        item.reserved += reserved * quantity
        item.on_hand += on_hand * quantity
        item.save(update_fields=["reserved", "on_hand", "updated_at"])


def _take_again(reservation: Reservation) -> None:
    quantities = {line.sku: line.quantity for line in reservation.lines.all()}
    items = _locked_items(quantities)
    short = sorted(sku for sku, qty in quantities.items() if items[sku].available < qty)
    if short:
        raise ReservationConflict(
            f"Order {reservation.order_id} was confirmed after its reservation expired, and "
            f"{', '.join(short)} no longer have enough stock: fulfil or cancel it by hand."
        )
    _move_stock(reservation, reserved=0, on_hand=-1)


def _set_status(reservation: Reservation, status: ReservationStatus) -> None:
    reservation.status = status
    reservation.save(update_fields=["status", "updated_at"])
