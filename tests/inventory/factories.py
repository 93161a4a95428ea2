"""Inventory's stock rows. The events it reacts to come from tests/support/event_factories.py."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from contexts.inventory.models import StockItem


class StockItemFactory(DjangoModelFactory[StockItem]):
    class Meta:
        model = StockItem
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    on_hand = 10
    reserved = 0
