"""Public api of the shipping context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from contexts.shipping import selectors as _selectors
from contexts.shipping.parcels import parcel_weight_grams as _parcel_weight_grams
from contexts.shipping.selectors import NoShippingRate as NoShippingRate  # raised there
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


@api_function
def quote(*, lines: Sequence[ParcelLine], country: str, currency: str) -> QuoteDTO:
    """The shipping cost of these lines to `country` (ISO 3166-1 alpha-2), in `currency`.
    Raises NoShippingRate."""
    weight = _parcel_weight_grams(lines)
    rate = _selectors.rate_for(weight=weight, country=country, currency=currency)
    return QuoteDTO(
        amount=rate.amount, currency=rate.currency, zone=rate.zone.code, total_weight_grams=weight
    )
