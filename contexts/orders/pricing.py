"""Pricing an order from the catalog's products: pure functions, no database, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from contexts.catalog.api import ProductDTO

# Every currency the shop sells in has two decimal places (ISO 4217 minor unit 2).
MINOR_UNIT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Round a computed amount to the currency's minor unit, half up: once per amount."""
    return amount.quantize(MINOR_UNIT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RequestedLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class FieldProblem:
    """Why one value of the request cannot be priced. `path` locates it: ("lines", 2, "sku")."""

    path: tuple[str | int, ...]
    message: str
    code: str


class InvalidOrderRequest(ValueError):
    """The request is well formed but names products or a destination we cannot sell or ship."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class PricedLine:
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    weight_grams: int  # per unit, for the shipping quote


@dataclass(frozen=True)
class PricedLines:
    currency: str
    lines: tuple[PricedLine, ...]

    @property
    def subtotal(self) -> Decimal:
        # Line totals are already rounded, so their sum needs no rounding of its own.
        return sum((line.line_total for line in self.lines), Decimal("0.00"))


def price_lines(lines: Sequence[RequestedLine], products: Mapping[str, ProductDTO]) -> PricedLines:
    """Snapshot each line's unit price; raises InvalidOrderRequest naming every bad line."""
    problems = [
        problem
        for index, line in enumerate(lines)
        if (problem := _sku_problem(index, line.sku, products.get(line.sku))) is not None
    ]
    if problems:
        raise InvalidOrderRequest(problems)

    currencies = sorted({products[line.sku].currency for line in lines})
    if len(currencies) != 1:
        raise InvalidOrderRequest(
            [
                FieldProblem(
                    path=("lines",),
                    message=(
                        f"The products are priced in {', '.join(currencies)}; one order takes "
                        "one currency, so order them separately."
                    ),
                    code="mixed_currencies",
                )
            ]
        )

    priced = tuple(
        PricedLine(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=products[line.sku].price,
            line_total=round_money(products[line.sku].price * line.quantity),
            weight_grams=products[line.sku].weight_grams,
        )
        for line in lines
    )
    return PricedLines(currency=currencies[0], lines=priced)


def _sku_problem(index: int, sku: str, product: ProductDTO | None) -> FieldProblem | None:
    if product is None:
        return FieldProblem(("lines", index, "sku"), f"No product has sku {sku!r}.", "unknown_sku")
    if not product.active:
        return FieldProblem(
            ("lines", index, "sku"), f"The product {sku!r} is no longer sold.", "inactive_sku"
        )
    return None
