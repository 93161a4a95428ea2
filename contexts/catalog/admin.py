"""Catalog admin: browse products; change them only through the services, which publish events.

Plain admin edits would save rows without ProductPublished/PriceChanged/Retired, leaving other
contexts out of date, so fields are read-only and the admin actions call the services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contexts.catalog import services
from contexts.catalog.models import Product
from modulith.contexts.admin import ReadOnlyModelAdmin


@admin.register(Product)
class ProductAdmin(ReadOnlyModelAdmin):
    list_display = ["sku", "name", "price", "currency", "weight_grams", "active", "updated_at"]
    list_filter = ["active", "currency"]
    search_fields = ["sku", "name"]
    ordering = ["name", "sku"]
    actions = ["retire", "publish"]

    @admin.action(description="Retire the selected products")
    def retire(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        for sku in queryset.values_list("sku", flat=True):
            services.product_retire(sku=sku)
        self.message_user(request, "Retired.", messages.SUCCESS)

    @admin.action(description="Put the selected products on sale again")
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        for sku in queryset.values_list("sku", flat=True):
            services.product_publish(sku=sku)
        self.message_user(request, "Published.", messages.SUCCESS)
