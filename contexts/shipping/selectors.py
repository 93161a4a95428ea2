"""Reads of the shipping context: rates from the rate table, and shipments (model rows; the api
maps them to its DTOs)."""

from __future__ import annotations

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


def rate_for(*, weight: int, country: str, currency: str) -> Rate:
    """The rate of one parcel of `weight` grams to `country`: the lightest band of the country's
    zone that holds the weight, with its zone. Raises NoShippingRate.

    One query: the destination's zone is a subquery of the rate's. Only when no rate answers
    does a second one tell an unserved country from a parcel too heavy for its zone.
    """
    country = country.upper()
    rate = (
        Rate.objects.filter(
            zone_id=Subquery(_destination_zones(country).values("zone_id")[:1]),
            currency=currency.upper(),
            max_weight_grams__gte=weight,
        )
        .select_related("zone")
        .order_by("max_weight_grams")
        .first()
    )
    if rate is None:
        if _zone_of(country) is None:
            raise NoShippingRate(f"No shipping zone serves {country}.")
        raise NoShippingRate(
            f"No {currency.upper()} rate to {country} covers a parcel of {weight} g."
        )
    return rate


def _destination_zones(country: str) -> QuerySet[ZoneCountry]:
    """The zone that lists the country itself first, then the zone that takes every other one."""
    return (
        ZoneCountry.objects.filter(country__in=[country, ANY_COUNTRY])
        .annotate(wildcard=Case(When(country=ANY_COUNTRY, then=Value(1)), default=Value(0)))
        .order_by("wildcard")
    )


def _zone_of(country: str) -> int | None:
    return _destination_zones(country).values_list("zone_id", flat=True).first()


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
