"""Database rules of the orders tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_an_order_whose_total_sums_exactly_is_stored_even_where_decimals_are_floats() -> None:
    # 20.40 + 4.90 is 25.299999… in binary floating point, which SQLite uses for decimals.

    order = OrderFactory(subtotal=Decimal("20.40"), shipping_cost=Decimal("4.90"))

    order.refresh_from_db()
    assert order.total == Decimal("25.30")


def test_an_order_whose_total_is_off_by_a_cent_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(
            subtotal=Decimal("20.40"), shipping_cost=Decimal("4.90"), total=Decimal("25.31")
        )
