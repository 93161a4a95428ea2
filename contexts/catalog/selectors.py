"""Reads of the catalog: querysets for the HTTP layer, DTOs for the public api."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import QuerySet

from contexts.catalog.api import ProductDTO
from contexts.catalog.models import Product


class ProductNotFound(LookupError):
    pass


def product_list(
    *,
    search: str = "",
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    include_retired: bool = False,
) -> QuerySet[Product]:
    """Products in (name, sku) order: active ones only unless include_retired."""
    products = Product.objects.all()
    if not include_retired:
        products = products.filter(active=True)
    if search:
        products = products.filter(name__icontains=search)
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    return products.order_by("name", "sku")


def product_get(*, sku: str, include_retired: bool = False) -> Product:
    """One product by sku; a retired one counts as absent unless include_retired."""
    products = Product.objects.all() if include_retired else Product.objects.filter(active=True)
    try:
        return products.get(sku=sku)
    except Product.DoesNotExist:
        raise ProductNotFound(f"No product has sku {sku!r}.") from None


def products_by_sku(*, skus: Collection[str]) -> dict[str, ProductDTO]:
    """DTOs of the known skus among `skus`, in one query (none for no skus)."""
    if not skus:
        return {}
    return {
        product.sku: ProductDTO(
            id=product.id,
            sku=product.sku,
            name=product.name,
            price=product.price,
            currency=product.currency,
            weight_grams=product.weight_grams,
            active=product.active,
        )
        for product in Product.objects.filter(sku__in=set(skus))
    }
