"""Demo stock for `manage.py demo`, loaded after the catalog's demo products.

Every stock item that was never adjusted gets 25 units through a "demo stock" adjustment; one
gets only 3, to show what running low looks like. Items already adjusted (by staff or an earlier
run) are left alone, so running it again changes nothing.
"""

from __future__ import annotations

from typing import TextIO

from contexts.inventory import selectors, services

DEMO_REASON = "demo stock"
DEMO_ON_HAND = 25
# The catalog demo's matcha is sold as "the last few of this harvest".
LAST_ITEMS_SKU = "TEA-003"
LAST_ITEMS_ON_HAND = 3


def load(*, out: TextIO) -> None:
    skus = selectors.stock_item_skus_never_adjusted()
    for sku in skus:
        units = LAST_ITEMS_ON_HAND if sku == LAST_ITEMS_SKU else DEMO_ON_HAND
        services.stock_adjust(sku=sku, delta=units, reason=DEMO_REASON, actor_id=None)
    tracked = selectors.stock_item_list().count()
    out.write(f"inventory: {len(skus)} stock item(s) stocked, {tracked} tracked in all\n")
