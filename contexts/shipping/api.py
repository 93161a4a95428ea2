"""Public api of the shipping context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from contexts.shipping import selectors as _selectors
from contexts.shipping.caching import RATES as _RATES
from contexts.shipping.caching import shipping_cache as _shipping_cache
from contexts.shipping.parcels import parcel_weight_grams as _parcel_weight_grams
from contexts.shipping.selectors import NoShippingRate as NoShippingRate  # raised there
from modulith.contexts.caching import shape_key as _shape_key
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
    Raises NoShippingRate.

    The destination's rate table is read through shipping's cache (placements quote from
    here): it is served from there only while no change to zones or rates has committed since
    it was read."""
    weight = _parcel_weight_grams(lines)
    table = _rate_table(country=country.upper(), currency=currency.upper())
    zone, amount = table.price(weight)
    return QuoteDTO(amount=amount, currency=table.currency, zone=zone, total_weight_grams=weight)


def _rate_table(*, country: str, currency: str) -> _selectors.RateTable:
    return _shipping_cache.get(
        _RATES,
        f"{_TABLE_KEY}{country}:{currency}",
        lambda: _selectors.rate_table(country=country, currency=currency),
    )


# The key of a destination's table in shipping's cache, apart from tables cached by code whose
# RateTable had other fields.
_TABLE_KEY = f"rate-table:{_shape_key(_selectors.RateTable)}:"
