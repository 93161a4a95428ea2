"""catalog.api, as other contexts call it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from contexts.catalog import api
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_get_products_returns_dtos_keyed_by_sku_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    mug = ProductFactory(sku="MUG-001", price=Decimal("14.90"), weight_grams=380)
    ProductFactory(sku="TEA-001")

    with django_assert_num_queries(1):
        products = api.get_products(skus=["MUG-001", "TEA-001", "MUG-001"])

    assert set(products) == {"MUG-001", "TEA-001"}
    assert products["MUG-001"] == api.ProductDTO(
        id=mug.id,
        sku="MUG-001",
        name=mug.name,
        price=Decimal("14.90"),
        currency="EUR",
        weight_grams=380,
        active=True,
    )


def test_unknown_skus_are_absent_and_retired_ones_are_present_as_inactive() -> None:
    ProductFactory(sku="OLD-1", active=False)

    products = api.get_products(skus=["OLD-1", "NOPE-1"])

    assert list(products) == ["OLD-1"]
    assert products["OLD-1"].active is False


def test_asking_for_no_skus_runs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert api.get_products(skus=[]) == {}
