"""Parcels: what one weighs and the tracking number it travels under. Pure functions: no
database, no I/O, so the rules are tested on their own (tests/shipping/test_parcels.py)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Protocol

# No 0/O or 1/I: tracking numbers get read out on the phone.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TRACKING_PREFIX = "SHP"
TRACKING_LENGTH = 12


class WeighedLine(Protocol):
    """What weighing needs of a line (api.ParcelLine has it): this module imports no layer."""

    @property
    def sku(self) -> str: ...

    @property
    def quantity(self) -> int: ...

    @property
    def weight_grams(self) -> int: ...


def parcel_weight_grams(lines: Sequence[WeighedLine]) -> int:
    """Every unit of every line: one parcel carries the whole order."""
    for line in lines:
        if line.quantity < 0 or line.weight_grams < 0:
            raise ValueError(f"Line {line.sku} has a negative quantity or weight.")
    return sum(line.quantity * line.weight_grams for line in lines)


def new_tracking_number() -> str:
    suffix = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"{TRACKING_PREFIX}{suffix}"
