"""inventory.api, as other contexts call it."""

from __future__ import annotations

from typing import Any

import pytest

from contexts.inventory import api
from tests.inventory.factories import StockItemFactory

pytestmark = pytest.mark.django_db


def test_get_availability_returns_dtos_keyed_by_sku_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    StockItemFactory(sku="MUG-1", on_hand=5, reserved=2)
    StockItemFactory(sku="TEA-1", on_hand=0)

    with django_assert_num_queries(1):
        availability = api.get_availability(skus={"MUG-1", "TEA-1", "GHOST-1"})

    assert availability == {
        "MUG-1": api.AvailabilityDTO(sku="MUG-1", on_hand=5, reserved=2, available=3),
        "TEA-1": api.AvailabilityDTO(sku="TEA-1", on_hand=0, reserved=0, available=0),
    }


def test_asking_for_no_skus_runs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert api.get_availability(skus=()) == {}
