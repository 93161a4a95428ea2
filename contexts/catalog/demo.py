"""Demo products for `manage.py demo`. Safe to run again: products are matched by sku.

They go through the services, so a new product publishes ProductPublished and inventory gives it
a stock item. Outside a test transaction that dispatch happens right after each commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from contexts.catalog import selectors, services

# (sku, name, price in EUR, weight in grams, description)
DEMO_PRODUCTS: tuple[tuple[str, str, str, int, str], ...] = (
    ("MUG-001", "Stoneware mug", "14.90", 380, "Hand-glazed, 330 ml."),
    ("MUG-002", "Espresso cup pair", "19.50", 260, "Two 80 ml cups with saucers."),
    ("TEA-001", "Sencha green tea", "8.75", 110, "100 g loose leaf from Shizuoka."),
    ("TEA-002", "Earl Grey", "7.20", 110, "100 g loose leaf with bergamot."),
    ("TEA-003", "Matcha ceremonial grade", "29.00", 60, "30 g tin; the last few of this harvest."),
    ("COF-001", "Ethiopian Yirgacheffe beans", "12.40", 270, "250 g, light roast."),
    ("COF-002", "Colombian Huila beans", "11.90", 270, "250 g, medium roast."),
    ("COF-003", "Decaf Brazil beans", "10.50", 270, "250 g, Swiss water process."),
    ("KET-001", "Gooseneck kettle", "59.00", 1150, "0.9 l, stovetop, matte black."),
    ("GRN-001", "Hand coffee grinder", "74.00", 640, "Conical steel burrs."),
    ("FLT-001", "Pour-over dripper", "24.90", 420, "Ceramic, size 02."),
    ("FLT-002", "Paper filters", "5.60", 180, "100 filters, size 02."),
    ("PRS-001", "French press", "32.00", 780, "1 l, borosilicate glass."),
    ("SCL-001", "Brewing scale", "39.90", 350, "0.1 g resolution with timer."),
    ("TIN-001", "Airtight storage tin", "16.80", 300, "Holds 250 g of beans."),
    ("CUP-001", "Double-wall glass", "12.00", 200, "250 ml, keeps drinks warm."),
    ("SPN-001", "Measuring spoon", "4.50", 40, "Olive wood, 10 g of beans."),
    ("TWL-001", "Barista towel set", "9.90", 150, "Three microfibre towels."),
    ("BOK-001", "The coffee atlas", "27.50", 980, "Hardback, 256 pages."),
    ("GFT-001", "Tasting gift box", "45.00", 900, "Four coffees and a tasting guide."),
)


def load(*, out: TextIO) -> None:
    created = updated = 0
    for sku, name, price, weight_grams, description in DEMO_PRODUCTS:
        try:
            existing = selectors.product_get(sku=sku, include_retired=True)
        except selectors.ProductNotFound:
            services.product_create(
                sku=sku,
                name=name,
                description=description,
                price=Decimal(price),
                weight_grams=weight_grams,
            )
            created += 1
            continue
        # product_update saves (and publishes) only what differs, so a re-run changes nothing.
        product = services.product_update(
            sku=sku,
            name=name,
            description=description,
            price=Decimal(price),
            weight_grams=weight_grams,
        )
        updated += product.updated_at != existing.updated_at
    unchanged = len(DEMO_PRODUCTS) - created - updated
    out.write(
        f"catalog: {len(DEMO_PRODUCTS)} demo products "
        f"({created} created, {updated} updated, {unchanged} unchanged)\n"
    )
