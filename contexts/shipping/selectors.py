"""Reads of the shipping context: rates from the rate table, and shipments (model rows; the api
maps them to its DTOs)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Case, QuerySet, Subquery, Value, When

from contexts.shipping.models import (
    ANY_COUNTRY,
    Rate,
    Shipment,
    ShipmentStatus,
    ZoneCountry,
)
from modulith.http.scope import Scope


class ShipmentNotFound(LookupError):
    pass


class NoShippingRate(LookupError):
    """No rate covers this destination country or parcel weight."""


@dataclass(frozen=True)
class RateTable:
    """What a parcel to one country costs in one currency: the bands of the country's zone,
    lightest first, as (max weight in grams, amount). `zone` is None if no zone serves it."""

    country: str
    currency: str
    zone: str | None
    bands: tuple[tuple[int, Decimal], ...]

    def price(self, weight: int) -> tuple[str, Decimal]:
        """The zone, and the amount of its lightest band that holds `weight` grams. Raises
        NoShippingRate."""
        for max_weight_grams, amount in self.bands:
            if self.zone is not None and max_weight_grams >= weight:
                return self.zone, amount
        if self.zone is None:
            raise NoShippingRate(f"No shipping zone serves {self.country}.")
        raise NoShippingRate(
            f"No {self.currency} rate to {self.country} covers a parcel of {weight} g."
        )


def rate_table(*, country: str, currency: str) -> RateTable:
    """The rate table of parcels to `country` in `currency`.

    One query: the destination's zone is a subquery of the rates'. Only when no rate answers
    does a second one tell an unserved country from a zone without rates in the currency.
    """
    country, currency = country.upper(), currency.upper()
    rates = list(
        Rate.objects.filter(
            zone_id=Subquery(_destination_zones(country).values("zone_id")[:1]),
            currency=currency,
        )
        .order_by("max_weight_grams")
        .values_list("max_weight_grams", "amount", "zone__code")
    )
    zone = rates[0][2] if rates else _zone_of(country)
    bands = tuple((max_weight_grams, amount) for max_weight_grams, amount, _ in rates)
    return RateTable(country=country, currency=currency, zone=zone, bands=bands)


def _destination_zones(country: str) -> QuerySet[ZoneCountry]:
    """The zone that lists the country itself first, then the zone that takes every other one."""
    return (
        ZoneCountry.objects.filter(country__in=[country, ANY_COUNTRY])
        .annotate(wildcard=Case(When(country=ANY_COUNTRY, then=Value(1)), default=Value(0)))
        .order_by("wildcard")
    )


def _zone_of(country: str) -> str | None:
    return _destination_zones(country).values_list("zone__code", flat=True).first()


def shipment_list(*, scope: Scope) -> QuerySet[Shipment]:
    """The shipments in `scope`, newest first. Tombstones of orders cancelled before shipping
    saw them are no parcels and stay hidden."""
    shipments = scope.limit(Shipment.objects.exclude(status=ShipmentStatus.WITHDRAWN))
    return shipments.order_by("-created_at", "-id")


def shipment_get(*, shipment_id: UUID, scope: Scope) -> Shipment:
    """One shipment in `scope`. Raises ShipmentNotFound, also for somebody else's."""
    shipment = shipment_list(scope=scope).filter(id=shipment_id).first()
    if shipment is None:
        raise ShipmentNotFound(shipment_id)
    return shipment
