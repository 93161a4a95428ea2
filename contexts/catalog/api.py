"""Public api of the catalog context: keyword-only functions returning frozen DTOs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from modulith.remote import api_function


@dataclass(frozen=True)
class ProductDTO:
    id: UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    weight_grams: int
    active: bool


@api_function
def get_products(*, skus: Collection[str]) -> dict[str, ProductDTO]:
    """The products with these skus, keyed by sku. Unknown skus are absent from the result;
    retired products are present with active=False, so the caller decides what that means."""
    from contexts.catalog import selectors  # here: selectors build the DTOs defined above

    return selectors.products_by_sku(skus=skus)
