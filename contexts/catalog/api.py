"""Public api of the catalog context: keyword-only functions returning frozen DTOs.

Selectors return model rows; this module alone maps them to DTOs (docs/rules.md, rule 13).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from contexts.catalog import selectors as _selectors
from modulith.remote import api_function

if TYPE_CHECKING:  # the model stays private: only the DTO below leaves this context
    from contexts.catalog.models import Product


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
    products = _selectors.products_by_sku(skus=skus)
    return {sku: _product_dto(product) for sku, product in products.items()}


def _product_dto(product: Product) -> ProductDTO:
    return ProductDTO(
        id=product.id,
        sku=product.sku,
        name=product.name,
        price=product.price,
        currency=product.currency,
        weight_grams=product.weight_grams,
        active=product.active,
    )
