"""Inventory admin: read-only views of stock, the adjustment log and reservations.

Stock changes go through the REST API (or services) so they are locked, validated, logged and
published; a plain admin edit would bypass all four.
"""

from __future__ import annotations

from django.contrib import admin

from contexts.inventory.models import Reservation, ReservationLine, StockAdjustment, StockItem
from modulith.contexts.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline


@admin.register(StockItem)
class StockItemAdmin(ReadOnlyModelAdmin):
    list_display = ["sku", "on_hand", "reserved", "available", "updated_at"]
    search_fields = ["sku"]


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "stock_item", "delta", "on_hand_after", "reason", "actor_id"]
    list_select_related = ["stock_item"]
    search_fields = ["stock_item__sku", "reason", "actor_id"]
    date_hierarchy = "created_at"


class ReservationLineInline(ReadOnlyTabularInline):
    model = ReservationLine


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyModelAdmin):
    list_display = ["order_id", "status", "expires_at", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["order_id"]
    inlines = [ReservationLineInline]
