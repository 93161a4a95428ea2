"""Events published by the inventory context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from modulith import event


@dataclass(frozen=True)
class ReservedLine:
    sku: str
    quantity: int


@event("shop.inventory.stock.reserved.v1", subject="order_id")
class StockReserved:
    """Every line of an order is reserved (all-or-nothing) until `expires_at`."""

    order_id: UUID
    reservation_id: UUID
    lines: tuple[ReservedLine, ...]
    expires_at: datetime


@event("shop.inventory.stock.reservation_failed.v1", subject="order_id")
class StockReservationFailed:
    """Nothing was reserved for the order: at least one line lacked stock (or is unknown)."""

    order_id: UUID
    reason: str  # "out_of_stock" | "unknown_sku"
    unavailable_skus: tuple[str, ...]


@event("shop.inventory.stock.released.v1", subject="order_id")
class StockReleased:
    """A reservation was given back (order rejected or cancelled) or a committed sale restocked."""

    order_id: UUID
    reservation_id: UUID
    reason: str  # "order_rejected" | "order_cancelled"


@event("shop.inventory.stock.reservation_expired.v1", subject="order_id")
class StockReservationExpired:
    """A reservation reached its TTL before the order was confirmed; its stock is available."""

    order_id: UUID
    reservation_id: UUID
    expired_at: datetime
