"""Read-mostly admin for support staff: payments change only through the order saga, so the
admin shows them without letting anyone edit money or statuses by hand."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from contexts.payments.models import Payment, PaymentMethod
from modulith.contexts.admin import ReadOnlyModelAdmin


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_id", "brand", "last4", "created_at")
    list_filter = ("brand",)
    search_fields = ("=id", "=customer_id", "last4")
    readonly_fields = ("id", "customer_id", "token", "brand", "last4", "created_at")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "order_id", "customer_id", "status", "amount", "currency", "created_at")
    list_filter = ("status", "failure_reason", "currency")
    search_fields = ("=id", "=order_id", "=customer_id", "provider_reference")
    readonly_fields = [field.name for field in Payment._meta.fields]
    ordering = ("-created_at",)
