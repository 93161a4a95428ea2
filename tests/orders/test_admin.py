"""The orders admin pages render and offer no way to change an order by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_staff_browse_orders_in_the_admin(admin_client: Any) -> None:
    order = OrderFactory(confirmed=True)

    listing = admin_client.get("/admin/orders/order/")
    detail = admin_client.get(f"/admin/orders/order/{order.id}/change/")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert str(order.id) in listing.content.decode()


def test_orders_cannot_be_added_in_the_admin(admin_client: Any) -> None:
    response = admin_client.get("/admin/orders/order/add/")

    assert response.status_code == 403
