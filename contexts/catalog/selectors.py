"""Reads of the catalog: model rows and querysets; the api maps them to its DTOs."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import QuerySet

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


def products_by_sku(*, skus: Collection[str]) -> dict[str, Product]:
    """The known skus among `skus`, retired ones included, in one query (none for no skus)."""
    if not skus:
        return {}
    return {product.sku: product for product in Product.objects.filter(sku__in=set(skus))}
