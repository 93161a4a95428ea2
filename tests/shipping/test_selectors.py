"""Quotes from the rate table that the data migration seeds (integration: database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_django.fixtures import DjangoAssertNumQueries

from contexts.shipping import api
from contexts.shipping.api import NoShippingRate, ParcelLine, QuoteDTO
from contexts.shipping.models import Rate, Zone, ZoneCountry

pytestmark = pytest.mark.django_db


def lines(*weights: int) -> list[ParcelLine]:
    return [
        ParcelLine(sku=f"SKU-{index}", quantity=1, weight_grams=grams)
        for index, grams in enumerate(weights)
    ]


@pytest.mark.parametrize(
    ("country", "grams", "amount", "zone"),
    [
        ("DE", 500, "4.90", "domestic"),
        ("DE", 1000, "4.90", "domestic"),
        ("DE", 1001, "6.90", "domestic"),
        ("FR", 4000, "13.90", "eu"),
        ("nl", 20000, "24.90", "eu"),
        ("US", 300, "15.90", "world"),
        ("JP", 12000, "59.90", "world"),
    ],
)
def test_a_parcel_pays_the_lightest_band_of_its_destinations_zone(
    country: str, grams: int, amount: str, zone: str
) -> None:
    quote = api.quote(lines=lines(grams), country=country, currency="EUR")

    assert quote == QuoteDTO(
        amount=Decimal(amount), currency="EUR", zone=zone, total_weight_grams=grams
    )


def test_a_parcel_heavier_than_every_band_has_no_rate() -> None:
    with pytest.raises(NoShippingRate, match="20001 g"):
        api.quote(lines=lines(20001), country="DE", currency="EUR")


def test_a_currency_without_rates_has_no_rate() -> None:
    with pytest.raises(NoShippingRate, match="USD"):
        api.quote(lines=lines(500), country="DE", currency="USD")


def test_a_country_no_zone_serves_has_no_rate_once_the_wildcard_is_gone() -> None:
    ZoneCountry.objects.filter(country="*").delete()

    with pytest.raises(NoShippingRate, match="US"):
        api.quote(lines=lines(500), country="US", currency="EUR")


def test_a_country_listed_by_a_zone_never_falls_back_to_the_wildcard() -> None:
    island = Zone.objects.create(code="island", name="Island")
    ZoneCountry.objects.create(zone=island, country="IS")
    Rate.objects.create(zone=island, max_weight_grams=1000, amount=Decimal("9.99"))

    with pytest.raises(NoShippingRate):
        api.quote(lines=lines(3000), country="IS", currency="EUR")


def test_a_quote_costs_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        api.quote(lines=lines(100, 200), country="AT", currency="EUR")
