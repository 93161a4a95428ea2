"""Public api of the inventory context: keyword-only functions returning frozen DTOs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from modulith.remote import api_function


@dataclass(frozen=True)
class AvailabilityDTO:
    sku: str
    on_hand: int
    reserved: int
    available: int  # on_hand - reserved; never negative (the database keeps reserved <= on_hand)


@api_function
def get_availability(*, skus: Collection[str]) -> dict[str, AvailabilityDTO]:
    """Stock of these skus, keyed by sku; skus inventory does not track are absent."""
    from contexts.inventory import selectors  # here: selectors build the DTOs defined above

    return selectors.availability_by_sku(skus=skus)
