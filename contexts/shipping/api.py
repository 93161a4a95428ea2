"""Public api of the shipping context: keyword-only functions returning frozen DTOs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from modulith.remote import api_function


@dataclass(frozen=True)
class ParcelLine:
    sku: str
    quantity: int
    weight_grams: int  # per unit


@dataclass(frozen=True)
class QuoteDTO:
    amount: Decimal
    currency: str
    zone: str
    total_weight_grams: int


class NoShippingRate(LookupError):
    """No rate covers this destination country or parcel weight."""


@api_function
def quote(*, lines: Sequence[ParcelLine], country: str, currency: str) -> QuoteDTO:
    """The shipping cost of these lines to `country` (ISO 3166-1 alpha-2), in `currency`.
    Raises NoShippingRate."""
    from contexts.shipping import selectors  # here: selectors build the DTOs defined above

    return selectors.quote(lines=lines, country=country, currency=currency)
