"""Write use cases of inventory: stock levels and reservations. Import them from here."""

from contexts.inventory.services.reservations import (
    EXPIRY_BATCH,
    ReservationConflict,
    ReservationNotFound,
    ReservationRequestInvalid,
    reservation_cancel,
    reservation_commit,
    reservation_expire,
    reservation_place,
    reservation_reject,
    reservations_expire,
)
from contexts.inventory.services.stock import (
    StockAdjustmentInvalid,
    StockBelowReserved,
    stock_adjust,
    stock_item_ensure,
)

__all__ = [
    "EXPIRY_BATCH",
    "ReservationConflict",
    "ReservationNotFound",
    "ReservationRequestInvalid",
    "StockAdjustmentInvalid",
    "StockBelowReserved",
    "reservation_cancel",
    "reservation_commit",
    "reservation_expire",
    "reservation_place",
    "reservation_reject",
    "reservations_expire",
    "stock_adjust",
    "stock_item_ensure",
]
