"""Parcel weights and tracking numbers (unit: no database)."""

from __future__ import annotations

import pytest

from contexts.shipping.api import ParcelLine
from contexts.shipping.parcels import TRACKING_PREFIX, new_tracking_number, parcel_weight_grams


def test_the_weight_of_a_parcel_adds_up_every_unit_of_every_line() -> None:
    parcel = [
        ParcelLine(sku="MUG-001", quantity=3, weight_grams=350),
        ParcelLine(sku="TEE-001", quantity=2, weight_grams=200),
    ]

    assert parcel_weight_grams(parcel) == 1450


def test_an_empty_parcel_weighs_nothing() -> None:
    assert parcel_weight_grams([]) == 0


@pytest.mark.parametrize(("quantity", "weight_grams"), [(-1, 100), (1, -100)])
def test_a_negative_quantity_or_weight_is_refused(quantity: int, weight_grams: int) -> None:
    line = ParcelLine(sku="MUG-001", quantity=quantity, weight_grams=weight_grams)

    with pytest.raises(ValueError, match="MUG-001"):
        parcel_weight_grams([line])


def test_tracking_numbers_are_readable_and_distinct() -> None:
    numbers = {new_tracking_number() for _ in range(200)}

    assert len(numbers) == 200
    assert all(number.startswith(TRACKING_PREFIX) and len(number) == 15 for number in numbers)
    assert not any(set(number[3:]) & set("01IO") for number in numbers)
