"""Quotes through shipping's read cache in Redis, as deployed: a repeated quote costs no
statement, and the quote right after any change to zones or rates (the admin's saves and
deletes, a migration) shows it. Transactional: the fresh token is set after a real commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contexts.shipping import api
from contexts.shipping.api import NoShippingRate, ParcelLine
from contexts.shipping.models import Rate, Zone

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shared_read_caches"),
]

ZONES = "/admin/shipping/zone/"


def quote(country: str = "DE", grams: int = 500) -> tuple[str, Decimal]:
    lines = [ParcelLine(sku="MUG-1", quantity=1, weight_grams=grams)]
    answer = api.quote(lines=lines, country=country, currency="EUR")
    return answer.zone, answer.amount


def statements_of(country: str = "DE", grams: int = 500) -> int:
    with CaptureQueriesContext(connection) as captured:
        quote(country, grams)
    return len(captured.captured_queries)


def warm(*countries: str) -> None:
    for country in countries:
        quote(country)  # starts shipping's token
        quote(country)  # stores the destination's rate table


def change_form(zone: Zone, **rate_amounts: str) -> dict[str, Any]:
    """The zone's admin change form as a browser posts it, with its rates' amounts replaced
    (keys: the band's max weight, e.g. g1000="5.90")."""
    countries = list(zone.countries.all())
    rates = list(Rate.objects.filter(zone=zone).order_by("max_weight_grams"))
    form: dict[str, Any] = {"code": zone.code, "name": zone.name}
    for prefix, rows in (("countries", countries), ("rates", rates)):
        form |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for index, country in enumerate(countries):
        form |= {
            f"countries-{index}-id": country.id,
            f"countries-{index}-zone": zone.id,
            f"countries-{index}-country": country.country,
        }
    for index, rate in enumerate(rates):
        form |= {
            f"rates-{index}-id": rate.id,
            f"rates-{index}-zone": zone.id,
            f"rates-{index}-max_weight_grams": rate.max_weight_grams,
            f"rates-{index}-amount": rate_amounts.get(f"g{rate.max_weight_grams}", rate.amount),
            f"rates-{index}-currency": rate.currency,
        }
    return form


def test_a_repeated_quote_costs_no_statement() -> None:
    assert statements_of("DE") == 1  # no token yet: read, not kept
    assert statements_of("DE") == 1  # read and kept
    assert statements_of("DE") == 0
    assert statements_of("DE", grams=4000) == 0  # the destination's whole table is kept
    assert quote("DE", 4000) == ("domestic", Decimal("6.90"))


def test_a_rate_changed_in_the_admin_is_in_the_very_next_quote(admin_client: Any) -> None:
    warm("DE")
    domestic = Zone.objects.get(code="domestic")

    saved = admin_client.post(f"{ZONES}{domestic.pk}/change/", change_form(domestic, g1000="5.90"))

    assert saved.status_code == 302, saved.content.decode()[-2000:]
    assert quote("DE") == ("domestic", Decimal("5.90"))


def test_a_zone_deleted_in_the_admin_is_gone_from_the_very_next_quote(admin_client: Any) -> None:
    warm("DE")
    domestic = Zone.objects.get(code="domestic")

    deleted = admin_client.post(f"{ZONES}{domestic.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert quote("DE") == ("world", Decimal("15.90"))  # the wildcard zone takes Germany now


def test_zones_deleted_from_the_list_are_gone_from_the_very_next_quote(admin_client: Any) -> None:
    warm("FR", "US")
    doomed = Zone.objects.filter(code__in=["eu", "world"])

    admin_client.post(
        ZONES,
        {"action": "delete_selected", "_selected_action": [z.pk for z in doomed], "post": "yes"},
    )

    assert not Zone.objects.filter(code__in=["eu", "world"]).exists()
    for country in ("FR", "US"):
        with pytest.raises(NoShippingRate, match=f"No shipping zone serves {country}"):
            quote(country)


def test_a_zone_added_in_the_admin_is_in_the_very_next_quote(admin_client: Any) -> None:
    warm("IS")
    form = {
        "code": "island",
        "name": "Iceland",
        "countries-TOTAL_FORMS": 1,
        "countries-INITIAL_FORMS": 0,
        "countries-0-country": "IS",
        "rates-TOTAL_FORMS": 1,
        "rates-INITIAL_FORMS": 0,
        "rates-0-max_weight_grams": 30000,
        "rates-0-amount": "99.00",
        "rates-0-currency": "EUR",
    }

    added = admin_client.post(f"{ZONES}add/", form)

    assert added.status_code == 302, added.content.decode()[-2000:]
    assert quote("IS") == ("island", Decimal("99.00"))


def test_a_migration_run_invalidates_the_rate_tables() -> None:
    warm("DE")
    # What a data migration would do: rows written without the admin.
    Rate.objects.filter(zone__code="domestic", max_weight_grams=1000).update(amount="3.90")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert quote("DE") == ("domestic", Decimal("3.90"))
