"""Inventory's demo stock: given once per never-adjusted item, through the audit log."""

from __future__ import annotations

import io

import pytest

from contexts.inventory import demo, services
from contexts.inventory.models import StockAdjustment, StockItem
from tests.inventory.factories import StockItemFactory

pytestmark = pytest.mark.django_db


def on_hand() -> dict[str, int]:
    return dict(StockItem.objects.values_list("sku", "on_hand"))


def test_every_never_adjusted_item_gets_demo_stock_and_the_last_items_only_three() -> None:
    for sku in ("MUG-001", "TEA-003"):
        StockItemFactory(sku=sku, on_hand=0)
    out = io.StringIO()

    demo.load(out=out)

    assert on_hand() == {"MUG-001": 25, "TEA-003": 3}
    assert set(StockAdjustment.objects.values_list("reason", flat=True)) == {"demo stock"}
    assert out.getvalue() == "inventory: 2 stock item(s) stocked, 2 tracked in all\n"


def test_loading_the_demo_again_changes_nothing() -> None:
    StockItemFactory(sku="MUG-001", on_hand=0)
    demo.load(out=io.StringIO())

    demo.load(out=io.StringIO())

    assert on_hand() == {"MUG-001": 25}
    assert StockAdjustment.objects.count() == 1


def test_stock_that_staff_adjusted_is_left_alone() -> None:
    StockItemFactory(sku="MUG-001", on_hand=0)
    services.stock_adjust(sku="MUG-001", delta=4, reason="counted", actor_id=None)

    demo.load(out=io.StringIO())

    assert on_hand() == {"MUG-001": 4}


def test_catalog_demo_products_get_stock_once_their_publication_is_delivered() -> None:
    from contexts.catalog import demo as catalog_demo
    from contexts.catalog.events import ProductPublished
    from modulith.testing import capture_events, deliver_to

    with capture_events() as captured:
        catalog_demo.load(out=io.StringIO())
    for published in captured.of_type(ProductPublished):
        deliver_to("inventory.on_product_published", published)

    demo.load(out=io.StringIO())

    stock = on_hand()
    assert len(stock) == 20
    assert stock.pop(demo.LAST_ITEMS_SKU) == 3
    assert set(stock.values()) == {25}
