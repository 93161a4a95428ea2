"""Catalog write use cases: what they store and publish, and how they behave under races."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from contexts.catalog import services
from contexts.catalog.events import ProductPublished
from contexts.catalog.models import Product
from contexts.catalog.selectors import ProductNotFound
from modulith.testing import capture_events
from tests.catalog.factories import ProductFactory


def create(sku: str = "MUG-001", **overrides: object) -> Product:
    fields: dict[str, object] = {
        "name": "Mug",
        "price": Decimal("9.90"),
        "weight_grams": 300,
        **overrides,
    }
    return services.product_create(sku=sku, **fields)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_duplicate_sku_raises_sku_taken_and_leaves_the_transaction_usable() -> None:
    ProductFactory(sku="MUG-001")

    with transaction.atomic():
        with pytest.raises(services.ProductSkuTaken):
            create("MUG-001")
        create("MUG-002")

    assert sorted(Product.objects.values_list("sku", flat=True)) == ["MUG-001", "MUG-002"]


@pytest.mark.django_db
def test_a_violated_check_constraint_is_not_mistaken_for_a_duplicate_sku() -> None:
    with pytest.raises(Exception) as raised:
        create("MUG-001", price=Decimal("0"))

    assert not isinstance(raised.value, services.ProductSkuTaken)
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_updating_or_retiring_an_unknown_sku_raises_not_found() -> None:
    with pytest.raises(ProductNotFound):
        services.product_update(sku="NOPE-1", name="x")
    with pytest.raises(ProductNotFound):
        services.product_retire(sku="NOPE-1")


@pytest.mark.django_db
def test_publishing_an_active_product_again_publishes_nothing() -> None:
    ProductFactory(sku="MUG-001", active=True)

    with capture_events() as captured:
        services.product_publish(sku="MUG-001")

    assert captured.events == []


@pytest.mark.django_db
def test_a_product_created_inactive_is_published_when_it_goes_on_sale() -> None:
    create("MUG-001", active=False)

    with capture_events() as captured:
        services.product_publish(sku="MUG-001")

    assert [type(event) for event in captured.events] == [ProductPublished]


def test_concurrent_creates_of_one_sku_make_one_product_and_refuse_the_rest(
    transactional_db: None, postgres: None
) -> None:
    attempts = 8
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def attempt(index: int) -> None:
        try:
            start.wait()
            create("RACE-1", name=f"Racer {index}")
            outcomes.append("created")
        except services.ProductSkuTaken:
            outcomes.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created"] + ["taken"] * (attempts - 1)
    assert Product.objects.filter(sku="RACE-1").count() == 1
