"""Back office for orders: read what happened; change nothing by hand.

Orders move only through their saga and the cancel endpoint, so that every change publishes its
event. An edit here would change an order behind inventory's and payments' backs, hence the
admin is read-only.
"""

from __future__ import annotations

from django.contrib import admin

from contexts.orders.models import IdempotencyRecord, Order, OrderHistoryEntry, OrderLine
from modulith.contexts.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = ("sku", "quantity", "unit_price", "line_total")


class OrderHistoryInline(ReadOnlyTabularInline):
    model = OrderHistoryEntry
    fields = ("recorded_at", "event", "note")


@admin.register(Order)
class OrderAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "customer_id",
        "status",
        "stock_status",
        "payment_status",
        "total",
        "currency",
        "placed_at",
    )
    list_filter = ("status", "stock_status", "payment_status", "rejection_reason")
    search_fields = ("=id", "=customer_id", "=reservation_id", "=payment_id", "tracking_number")
    date_hierarchy = "placed_at"
    inlines = (OrderLineInline, OrderHistoryInline)
    fieldsets = (
        (None, {"fields": ("id", "customer_id", "status", "placed_at", "updated_at")}),
        (
            "Saga",
            {
                "fields": (
                    "stock_status",
                    "reservation_id",
                    "payment_status",
                    "payment_id",
                    "rejection_reason",
                    "rejection_detail",
                    "confirmed_at",
                    "rejected_at",
                    "cancelled_at",
                )
            },
        ),
        ("Amounts", {"fields": ("currency", "subtotal", "shipping_cost", "total")}),
        (
            "Shipping",
            {
                "fields": (
                    "shipping_name",
                    "shipping_line1",
                    "shipping_line2",
                    "shipping_city",
                    "shipping_postal_code",
                    "shipping_country",
                    "shipment_id",
                    "tracking_number",
                    "shipped_at",
                    "delivered_at",
                )
            },
        ),
        ("Payment", {"fields": ("payment_method_id",)}),
    )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("key", "customer_id", "order_id", "response_status", "created_at")
    search_fields = ("=key", "=customer_id", "=order__id")
