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
from contexts.catalog.caching import PRODUCTS as _PRODUCTS
from contexts.catalog.caching import catalog_cache as _catalog_cache
from modulith.contexts.caching import shape_key as _shape_key
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


# The key of a product in the catalog's cache: apart from the list's pages, and from products
# cached by code whose ProductDTO had other fields.
_SKU_KEY = f"product:{_shape_key(ProductDTO)}:"


@api_function
def get_products(*, skus: Collection[str]) -> dict[str, ProductDTO]:
    """The products with these skus, keyed by sku. Unknown skus are absent from the result;
    retired products are present with active=False, so the caller decides what that means.

    Read through the catalog's cache (placements price from here): a product is served from
    it only while no write to the catalog has committed since it was read."""
    found = _catalog_cache.get_many(_PRODUCTS, _sku_keys(skus), _products_by_key)
    return {product.sku: product for product in found.values()}


def _sku_keys(skus: Collection[str]) -> list[str]:
    return [_SKU_KEY + sku for sku in set(skus)]


def _products_by_key(keys: list[str]) -> dict[str, ProductDTO]:
    products = _selectors.products_by_sku(skus=[key.removeprefix(_SKU_KEY) for key in keys])
    return {_SKU_KEY + sku: _product_dto(product) for sku, product in products.items()}


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
