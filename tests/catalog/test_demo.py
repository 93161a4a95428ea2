"""The catalog's demo data: valid by the API's own rules, loaded through the services, and
idempotent."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from contexts.catalog import demo
from contexts.catalog.events import ProductPriceChanged, ProductPublished
from contexts.catalog.models import Product
from contexts.catalog.rest.views import ProductCollectionView
from modulith.testing import capture_events

DemoProduct = tuple[str, str, str, int, str]


@pytest.mark.parametrize("product", demo.DEMO_PRODUCTS, ids=lambda product: product[0])
def test_every_demo_product_passes_the_checks_of_the_create_endpoint(product: DemoProduct) -> None:
    sku, name, price, weight_grams, description = product
    fields = {"sku": sku, "name": name, "price": price, "weight_grams": weight_grams}

    payload = ProductCollectionView.ProductCreateInput(data={**fields, "description": description})

    assert payload.is_valid(), payload.errors


def test_no_two_demo_products_share_a_sku() -> None:
    skus = [product[0] for product in demo.DEMO_PRODUCTS]

    assert len(set(skus)) == len(skus)


@pytest.mark.django_db
def test_the_demo_publishes_about_twenty_products() -> None:
    out = io.StringIO()

    with capture_events() as captured:
        demo.load(out=out)

    assert Product.objects.filter(active=True).count() == len(demo.DEMO_PRODUCTS) == 20
    assert len(captured.of_type(ProductPublished)) == 20
    assert out.getvalue() == "catalog: 20 demo products (20 created, 0 updated, 0 unchanged)\n"


@pytest.mark.django_db
def test_loading_the_demo_again_changes_and_publishes_nothing() -> None:
    demo.load(out=io.StringIO())
    out = io.StringIO()

    with capture_events() as captured:
        demo.load(out=out)

    assert captured.events == []
    assert Product.objects.count() == 20
    assert "0 created, 0 updated, 20 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_the_demo_puts_back_a_demo_price_that_was_changed() -> None:
    demo.load(out=io.StringIO())
    Product.objects.filter(sku="MUG-001").update(price=Decimal("99.00"))

    with capture_events() as captured:
        demo.load(out=io.StringIO())

    [changed] = captured.events
    assert isinstance(changed, ProductPriceChanged)
    assert (changed.old_price, changed.new_price) == (Decimal("99.00"), Decimal("14.90"))
