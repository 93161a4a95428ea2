"""Public api of the inventory context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contexts.inventory import selectors as _selectors
from modulith.remote import api_function

if TYPE_CHECKING:  # the model stays private: only the DTO below leaves this context
    from contexts.inventory.models import StockItem


@dataclass(frozen=True)
class AvailabilityDTO:
    sku: str
    on_hand: int
    reserved: int
    available: int  # on_hand - reserved; never negative (the database keeps reserved <= on_hand)


@api_function
def get_availability(*, skus: Collection[str]) -> dict[str, AvailabilityDTO]:
    """Stock of these skus, keyed by sku; skus inventory does not track are absent."""
    items = _selectors.stock_items_by_sku(skus=skus)
    return {sku: _availability_dto(item) for sku, item in items.items()}


def _availability_dto(item: StockItem) -> AvailabilityDTO:
    return AvailabilityDTO(
        sku=item.sku, on_hand=item.on_hand, reserved=item.reserved, available=item.available
    )
