"""Unit tests of pricing: no database, no other context."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contexts.catalog.api import ProductDTO
from contexts.orders.pricing import (
    InvalidOrderRequest,
    RequestedLine,
    price_lines,
    round_money,
)


def product(sku: str, price: str, *, currency: str = "EUR", active: bool = True) -> ProductDTO:
    return ProductDTO(
        id=uuid.uuid4(),
        sku=sku,
        name=sku,
        price=Decimal(price),
        currency=currency,
        weight_grams=250,
        active=active,
    )


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("2.344", "2.34"),
        ("2.345", "2.35"),
        ("-2.345", "-2.35"),
        ("10", "10.00"),
    ],
)
def test_money_rounds_half_up_to_cents(amount: str, rounded: str) -> None:
    assert round_money(Decimal(amount)) == Decimal(rounded)


def test_each_line_snapshots_the_unit_price_and_its_total() -> None:
    products = {"MUG-1": product("MUG-1", "3.33"), "TEE-1": product("TEE-1", "19.99")}

    priced = price_lines([RequestedLine("MUG-1", 3), RequestedLine("TEE-1", 2)], products)

    assert [(line.sku, line.unit_price, line.line_total) for line in priced.lines] == [
        ("MUG-1", Decimal("3.33"), Decimal("9.99")),
        ("TEE-1", Decimal("19.99"), Decimal("39.98")),
    ]
    assert priced.subtotal == Decimal("49.97")
    assert priced.currency == "EUR"


def test_a_line_total_with_sub_cent_prices_is_rounded_once() -> None:
    products = {"BOLT-1": product("BOLT-1", "0.125")}

    priced = price_lines([RequestedLine("BOLT-1", 3)], products)

    assert priced.lines[0].line_total == Decimal("0.38")  # 0.375 half up, not 3 x 0.13


def test_unknown_and_retired_skus_are_reported_at_their_line() -> None:
    products = {"MUG-1": product("MUG-1", "10.00"), "OLD-1": product("OLD-1", "1.00", active=False)}

    with pytest.raises(InvalidOrderRequest) as raised:
        price_lines(
            [RequestedLine("MUG-1", 1), RequestedLine("NOPE-1", 1), RequestedLine("OLD-1", 1)],
            products,
        )

    assert [(p.path, p.code) for p in raised.value.problems] == [
        (("lines", 1, "sku"), "unknown_sku"),
        (("lines", 2, "sku"), "inactive_sku"),
    ]


def test_products_in_different_currencies_cannot_share_an_order() -> None:
    products = {
        "MUG-1": product("MUG-1", "10.00"),
        "CAP-1": product("CAP-1", "8.00", currency="USD"),
    }

    with pytest.raises(InvalidOrderRequest) as raised:
        price_lines([RequestedLine("MUG-1", 1), RequestedLine("CAP-1", 1)], products)

    (problem,) = raised.value.problems
    assert problem.path == ("lines",)
    assert problem.code == "mixed_currencies"
    assert "EUR, USD" in problem.message
