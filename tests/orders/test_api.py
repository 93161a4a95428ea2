"""The public api of orders, as other contexts call it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contexts.orders import api
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def test_get_order_returns_a_frozen_dto_with_the_snapshotted_lines() -> None:
    order = OrderFactory(confirmed=True, lines=None, subtotal=Decimal("7.50"))
    OrderLineFactory(order=order, sku="PEN-1", quantity=3, unit_price=Decimal("2.50"))

    dto = api.get_order(order_id=order.id)

    assert isinstance(dto, api.OrderDTO)
    assert (dto.id, dto.customer_id, dto.status) == (order.id, order.customer_id, "confirmed")
    assert (dto.subtotal, dto.shipping_cost, dto.total, dto.currency) == (
        Decimal("7.50"),
        Decimal("4.90"),
        Decimal("12.40"),
        "EUR",
    )
    assert dto.lines == (
        api.OrderLineDTO(
            sku="PEN-1", quantity=3, unit_price=Decimal("2.50"), line_total=Decimal("7.50")
        ),
    )
    with pytest.raises(AttributeError):
        dto.status = "cancelled"  # type: ignore[misc]


def test_get_order_raises_order_not_found_for_an_unknown_id() -> None:
    with pytest.raises(api.OrderNotFound):
        api.get_order(order_id=uuid.uuid4())
