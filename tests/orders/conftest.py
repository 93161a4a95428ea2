"""Fixtures for the orders tests.

Catalog and shipping are stubbed at their public api: orders' tests then depend on the api
contract only, not on those contexts' tables. Principals and clients (customer, staff,
client_for) come from tests/conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from decimal import Decimal

import pytest

from contexts.catalog.api import ProductDTO
from contexts.shipping.api import NoShippingRate, ParcelLine, QuoteDTO
from modulith.http.authentication import TokenPrincipal
from tests.modulith.conftest import modulith_overrides
from tests.support import services
from tests.support.clients import ClientFor as ClientFor
from tests.support.clients import make_principal
from tests.support.workers import use_broker


class FakeCatalog:
    """What contexts.catalog.api.get_products answers in these tests."""

    def __init__(self) -> None:
        self.products: dict[str, ProductDTO] = {}

    def add(
        self,
        sku: str,
        price: str = "10.00",
        *,
        currency: str = "EUR",
        weight_grams: int = 500,
        active: bool = True,
    ) -> ProductDTO:
        product = ProductDTO(
            id=uuid.uuid4(),
            sku=sku,
            name=sku.title(),
            price=Decimal(price),
            currency=currency,
            weight_grams=weight_grams,
            active=active,
        )
        self.products[sku] = product
        return product

    def get_products(self, *, skus: Collection[str]) -> dict[str, ProductDTO]:
        return {sku: self.products[sku] for sku in skus if sku in self.products}


class FakeShipping:
    """What contexts.shipping.api.quote answers: a flat rate per country, others unserved."""

    def __init__(self) -> None:
        self.rates: dict[str, Decimal] = {"DE": Decimal("4.90"), "FR": Decimal("7.50")}
        self.quoted: list[tuple[tuple[ParcelLine, ...], str, str]] = []

    def quote(self, *, lines: Sequence[ParcelLine], country: str, currency: str) -> QuoteDTO:
        self.quoted.append((tuple(lines), country, currency))
        if country not in self.rates:
            raise NoShippingRate(f"We do not ship to {country}.")
        weight = sum(line.weight_grams * line.quantity for line in lines)
        return QuoteDTO(
            amount=self.rates[country], currency=currency, zone=country, total_weight_grams=weight
        )


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> FakeCatalog:
    fake = FakeCatalog()
    fake.add("MUG-1", "10.00")
    fake.add("TEE-1", "19.99", weight_grams=200)
    monkeypatch.setattr("contexts.catalog.api.get_products", fake.get_products)
    return fake


@pytest.fixture
def shipping(monkeypatch: pytest.MonkeyPatch) -> FakeShipping:
    fake = FakeShipping()
    monkeypatch.setattr("contexts.shipping.api.quote", fake.quote)
    return fake


@pytest.fixture
def events_to_a_broker() -> Iterator[None]:
    """Every event goes to a real Redis broker that no worker consumes: what a web process does,
    with none of the other contexts' handlers running (a transactional test would otherwise
    deliver them in this process after each commit)."""
    url = services.require(services.REDIS_URL, 6379, "Redis")
    with modulith_overrides(EVENT_TRANSPORT="celery"), use_broker(url) as app:
        yield
        with app.connection_for_write() as broker:
            broker.default_channel.client.flushdb()


@pytest.fixture
def other_customer() -> TokenPrincipal:
    return make_principal()
