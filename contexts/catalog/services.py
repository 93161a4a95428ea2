"""Write use cases of the catalog. A state change publishes its event in the same transaction,
and invalidates the catalog's read cache (caching.py) in it: this module is the only writer of
products."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.catalog import database
from contexts.catalog.caching import invalidate_products
from contexts.catalog.events import ProductPriceChanged, ProductPublished, ProductRetired
from contexts.catalog.models import DEFAULT_CURRENCY, Product
from contexts.catalog.selectors import ProductNotFound
from modulith import publish


class ProductSkuTaken(ValueError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"A product with sku {sku!r} already exists.")
        self.sku = sku


@database.atomic
def product_create(
    *,
    sku: str,
    name: str,
    price: Decimal,
    weight_grams: int,
    currency: str = DEFAULT_CURRENCY,
    description: str = "",
    active: bool = True,
) -> Product:
    """Add a product; an active one is published at once. Raises ProductSkuTaken."""
    product = Product(
        sku=sku,
        name=name,
        description=description,
        price=price,
        currency=currency,
        weight_grams=weight_grams,
        active=active,
    )
    try:
        # The unique index is the only check that holds under concurrent creates; the savepoint
        # keeps the outer transaction usable after the violation.
        with transaction.atomic(using=database.alias()):
            product.save(force_insert=True)
    except IntegrityError:
        if Product.objects.filter(sku=sku).exists():
            raise ProductSkuTaken(sku) from None
        raise
    invalidate_products()
    if product.active:
        _publish_published(product)
    return product


@database.atomic
def product_update(
    *,
    sku: str,
    name: str | None = None,
    description: str | None = None,
    price: Decimal | None = None,
    weight_grams: int | None = None,
) -> Product:
    """Change what is given (None leaves a field alone). A new price publishes
    ProductPriceChanged. The currency is fixed at creation, so old and new prices compare."""
    product = _locked(sku)
    old_price = product.price
    changes = {
        "name": name,
        "description": description,
        "price": price,
        "weight_grams": weight_grams,
    }
    changed = [
        field
        for field, value in changes.items()
        if value is not None and getattr(product, field) != value
    ]
    if not changed:
        return product
    for field in changed:
        setattr(product, field, changes[field])
    product.save(update_fields=[*changed, "updated_at"])
    invalidate_products()
    if "price" in changed:
        publish(
            ProductPriceChanged(
                product_id=product.id,
                sku=product.sku,
                old_price=old_price,
                new_price=product.price,
                currency=product.currency,
                changed_at=product.updated_at,
            )
        )
    return product


@database.atomic
def product_retire(*, sku: str) -> Product:
    """Stop selling a product. Retiring a retired product changes nothing and publishes nothing."""
    product = _locked(sku)
    if not product.active:
        return product
    product.active = False
    product.save(update_fields=["active", "updated_at"])
    invalidate_products()
    publish(ProductRetired(product_id=product.id, sku=product.sku, retired_at=product.updated_at))
    return product


@database.atomic
def product_publish(*, sku: str) -> Product:
    """Put a retired (or created-inactive) product on sale again; no-op if already active."""
    product = _locked(sku)
    if product.active:
        return product
    product.active = True
    product.save(update_fields=["active", "updated_at"])
    invalidate_products()
    _publish_published(product)
    return product


def _locked(sku: str) -> Product:
    # The row lock makes "old price" and "was active" true at commit time, so concurrent
    # updates cannot publish the same transition twice.
    try:
        return Product.objects.select_for_update().get(sku=sku)
    except Product.DoesNotExist:
        raise ProductNotFound(f"No product has sku {sku!r}.") from None


def _publish_published(product: Product) -> None:
    publish(
        ProductPublished(
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            price=product.price,
            currency=product.currency,
            weight_grams=product.weight_grams,
            published_at=timezone.now(),
        )
    )
