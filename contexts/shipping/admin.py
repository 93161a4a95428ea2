"""Admin for the rate table (staff edit prices here) and a read-only view of shipments, whose
status changes only through the dispatch/deliver endpoints so that their events are published.

Zones, their countries and their rates are edited on the zone's page only (inlines), and every
save or delete there invalidates the cached rate tables (caching.py) in its transaction."""

from __future__ import annotations

from django.contrib import admin

from contexts.shipping.caching import RATES, shipping_cache
from contexts.shipping.models import Rate, Shipment, Zone, ZoneCountry
from modulith.contexts.admin import ReadCacheInvalidatingAdmin, ReadOnlyModelAdmin


class ZoneCountryInline(admin.TabularInline):
    model = ZoneCountry
    extra = 1


class RateInline(admin.TabularInline):
    model = Rate
    extra = 1


@admin.register(Zone)
class ZoneAdmin(ReadCacheInvalidatingAdmin):
    read_cache = shipping_cache
    read_cache_scope = RATES
    list_display = ("code", "name")
    search_fields = ("code", "name", "countries__country")
    inlines = [ZoneCountryInline, RateInline]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyModelAdmin):
    list_display = ("tracking_number", "order_id", "customer_id", "status", "country", "created_at")
    list_filter = ("status", "country")
    search_fields = ("=id", "=order_id", "=customer_id", "tracking_number")
    readonly_fields = [field.name for field in Shipment._meta.fields]
    ordering = ("-created_at",)
