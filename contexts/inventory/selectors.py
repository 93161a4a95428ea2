"""Reads of inventory: model rows and querysets; the api maps them to its DTOs."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import QuerySet

from contexts.inventory.models import StockAdjustment, StockItem


class StockItemNotFound(LookupError):
    pass


def stock_item_list() -> QuerySet[StockItem]:
    return StockItem.objects.order_by("sku")


def stock_item_get(*, sku: str) -> StockItem:
    try:
        return StockItem.objects.get(sku=sku)
    except StockItem.DoesNotExist:
        raise StockItemNotFound(f"Inventory does not track sku {sku!r}.") from None


def stock_item_skus_never_adjusted() -> list[str]:
    """Skus no adjustment ever touched (by staff or a demo load), in sku order."""
    return list(
        StockItem.objects.filter(adjustments__isnull=True)
        .order_by("sku")
        .values_list("sku", flat=True)
    )


def stock_adjustment_list(*, sku: str) -> QuerySet[StockAdjustment]:
    """The audit log of one sku, newest first. Raises StockItemNotFound for an unknown sku."""
    if not StockItem.objects.filter(sku=sku).exists():
        raise StockItemNotFound(f"Inventory does not track sku {sku!r}.")
    return StockAdjustment.objects.filter(stock_item__sku=sku).order_by("-created_at", "-id")


def stock_items_by_sku(*, skus: Collection[str]) -> dict[str, StockItem]:
    """The tracked skus among `skus`, in one query (none for no skus)."""
    if not skus:
        return {}
    return {item.sku: item for item in StockItem.objects.filter(sku__in=set(skus))}
