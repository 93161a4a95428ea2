"""Reads of the shipping context: quotes from the rate table, and shipments."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db.models import Case, QuerySet, Subquery, Value, When

from contexts.shipping.api import NoShippingRate, ParcelLine, QuoteDTO
from contexts.shipping.models import (
    ANY_COUNTRY,
    Rate,
    Shipment,
    ShipmentStatus,
    ZoneCountry,
)
from contexts.shipping.parcels import parcel_weight_grams


class ShipmentNotFound(LookupError):
    pass


def quote(*, lines: Sequence[ParcelLine], country: str, currency: str) -> QuoteDTO:
    """The price of one parcel holding `lines` to `country`: the lightest band of the country's
    zone that holds the parcel's weight. Raises NoShippingRate.

    One query: the destination's zone is a subquery of the rate's. Only when no rate answers
    does a second one tell an unserved country from a parcel too heavy for its zone.
    """
    weight = parcel_weight_grams(lines)
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
    return QuoteDTO(
        amount=rate.amount, currency=rate.currency, zone=rate.zone.code, total_weight_grams=weight
    )


def _destination_zones(country: str) -> QuerySet[ZoneCountry]:
    """The zone that lists the country itself first, then the zone that takes every other one."""
    return (
        ZoneCountry.objects.filter(country__in=[country, ANY_COUNTRY])
        .annotate(wildcard=Case(When(country=ANY_COUNTRY, then=Value(1)), default=Value(0)))
        .order_by("wildcard")
    )


def _zone_of(country: str) -> int | None:
    return _destination_zones(country).values_list("zone_id", flat=True).first()


def shipment_list(*, customer_id: UUID, is_staff: bool) -> QuerySet[Shipment]:
    """Shipments newest first: all of them for staff, a customer's own otherwise. Tombstones of
    orders cancelled before shipping saw them are no parcels and stay hidden."""
    shipments = Shipment.objects.exclude(status=ShipmentStatus.WITHDRAWN)
    if not is_staff:
        shipments = shipments.filter(customer_id=customer_id)
    return shipments.order_by("-created_at", "-id")


def shipment_get(*, shipment_id: UUID, customer_id: UUID, is_staff: bool) -> Shipment:
    """One shipment the caller may see. Raises ShipmentNotFound, also for somebody else's."""
    shipment = (
        shipment_list(customer_id=customer_id, is_staff=is_staff).filter(id=shipment_id).first()
    )
    if shipment is None:
        raise ShipmentNotFound(shipment_id)
    return shipment
