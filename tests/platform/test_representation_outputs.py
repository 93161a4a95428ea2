"""Every output serializer of the API renders through modulith.http.representation exactly what
DRF's `.data` renders, on rows read back from the database as the views read them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.serializers import Serializer

from contexts.catalog.models import Product
from contexts.catalog.rest.views import ProductOutput
from contexts.inventory.models import StockItem
from contexts.inventory.rest.views import StockItemOutput
from contexts.notifications.models import Notification
from contexts.notifications.rest.views import NotificationOutput
from contexts.orders import selectors as order_selectors
from contexts.orders.rest.serializers import OrderOutput
from contexts.payments.models import Payment, PaymentMethod
from contexts.payments.rest.views import PaymentMethodOutput, PaymentOutput
from contexts.shipping.models import Shipment
from contexts.shipping.rest.views import ShipmentOutput
from modulith.http.representation import represent, represent_many
from modulith.http.scope import Scope
from tests.catalog.factories import ProductFactory
from tests.inventory.factories import StockItemFactory
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.payments.factories import PaymentFactory, PaymentMethodFactory
from tests.shipping.factories import ShipmentFactory

pytestmark = pytest.mark.django_db

LATER = datetime.datetime(2026, 12, 5, 12, 30, 15, 123456, tzinfo=datetime.UTC)


def orders() -> list[Any]:
    first = OrderFactory(confirmed_at=LATER, tracking_number="TRACK-1")
    OrderLineFactory(order=first, sku="MUG-1", quantity=3)
    OrderFactory()
    return list(order_selectors.order_list(scope=Scope.everybody()))


def rows_of(model: type[Any], *makers: Callable[[], Any]) -> Callable[[], list[Any]]:
    """The rows the makers create, read back from the database."""

    def rows() -> list[Any]:
        for make in makers:
            make()
        return list(model.objects.all())

    return rows


CASES: list[tuple[type[Serializer[Any]], Callable[[], list[Any]]]] = [
    (ProductOutput, rows_of(Product, ProductFactory, lambda: ProductFactory(active=False))),
    (OrderOutput, orders),
    (StockItemOutput, rows_of(StockItem, StockItemFactory, StockItemFactory)),
    (NotificationOutput, rows_of(Notification, NotificationFactory, NotificationFactory)),
    (PaymentMethodOutput, rows_of(PaymentMethod, PaymentMethodFactory, PaymentMethodFactory)),
    (PaymentOutput, rows_of(Payment, PaymentFactory, PaymentFactory)),
    (
        ShipmentOutput,
        rows_of(Shipment, ShipmentFactory, lambda: ShipmentFactory(dispatched_at=timezone.now())),
    ),
]


@pytest.mark.parametrize(("output", "rows"), CASES, ids=[output.__name__ for output, _ in CASES])
def test_represent_renders_what_drf_renders(
    output: type[Serializer[Any]], rows: Callable[[], list[Any]]
) -> None:
    instances = rows()
    assert len(instances) >= 2

    assert represent_many(output, instances) == output(instances, many=True).data
    for instance in instances:
        assert represent(output, instance) == output(instance).data


def test_date_times_are_rendered_in_the_current_time_zone_as_drf_does() -> None:
    order = OrderFactory(confirmed_at=LATER)
    order = order_selectors.order_get(order_id=order.id, scope=Scope.everybody())

    with timezone.override("Europe/Berlin"):
        rendered = represent(OrderOutput, order)
        assert rendered == OrderOutput(order).data
    assert rendered["confirmed_at"] == "2026-12-05T13:30:15.123456+01:00"
    assert represent(OrderOutput, order)["confirmed_at"] == "2026-12-05T12:30:15.123456Z"
