"""No request a client can make gets a 5xx: schemathesis fuzzes every operation of the schema.

The schema is the one the shop serves at /api/schema/, so a new operation is fuzzed the day it
is added. Every operation runs as a customer and as staff against a little real data, checking
only `not_a_server_error`: 4xx answers are the API doing its job. Generation is derandomized so
a CI failure always reproduces; to explore further locally, set derandomize=False and raise
max_examples in FUZZ_SETTINGS.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from contexts.identity.models import User
from tests.catalog.factories import ProductFactory
from tests.identity.factories import UserFactory
from tests.inventory.factories import StockItemFactory
from tests.orders.factories import OrderFactory
from tests.payments.factories import PaymentFactory, PaymentMethodFactory
from tests.shipping.factories import ShipmentFactory
from tests.support.auth import BearerFactory

# Loaded at collection: drf-spectacular builds the schema without touching the database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

FUZZ_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    # Same examples on every run: a CI failure is reproducible, never a coin toss.
    derandomize=True,
    # No .hypothesis/ directory in the working tree.
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@dataclass(frozen=True)
class ShopData:
    customer: User
    staff: User
    # Path parameter name -> a value that exists, so fuzzing reaches past the 404s.
    known_path_values: dict[str, str]


@pytest.fixture
def shop_data(db: None) -> ShopData:
    customer = UserFactory.create()
    staff = UserFactory.create(is_staff=True)
    products = [
        ProductFactory.create(),
        ProductFactory.create(),
        ProductFactory.create(active=False),
    ]
    for product in products:
        StockItemFactory.create(sku=product.sku, on_hand=25)
    PaymentMethodFactory.create(customer_id=customer.id)
    order = OrderFactory.create(customer_id=customer.id, confirmed=True, lines__sku=products[0].sku)
    payment = PaymentFactory.create(order_id=order.id, payment_method__customer_id=customer.id)
    shipment = ShipmentFactory.create(order_id=order.id, customer_id=customer.id)
    return ShopData(
        customer=customer,
        staff=staff,
        known_path_values={
            "sku": products[0].sku,
            "order_id": str(order.id),
            "payment_id": str(payment.id),
            "shipment_id": str(shipment.id),
        },
    )


@pytest.fixture
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Hundreds of requests from one address would otherwise turn into 429s that hide the code.
    for scope in ("register", "token"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, None)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    # The WSGI handler closes the connection when a request ends, which would end the test's
    # transaction; Django's own test client detaches the same receivers for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_without_server_error(
    case: schemathesis.Case, data: st.DataObject, *, authorization: str, shop: ShopData
) -> None:
    # Half the time a path parameter names a real row, so the view's code runs, not just its 404.
    for name, value in shop.known_path_values.items():
        if name in (case.path_parameters or {}) and data.draw(st.booleans(), label=name):
            case.path_parameters[name] = value

    case.call_and_validate(headers={"Authorization": authorization}, checks=[not_a_server_error])


@schema.given(data=st.data())
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_a_customer_with_a_server_error(
    case: schemathesis.Case,
    data: st.DataObject,
    shop_data: ShopData,
    unthrottled: None,
    connection_kept_open: None,
    bearer: BearerFactory,
) -> None:
    authorization = bearer(shop_data.customer.id)

    call_without_server_error(case, data, authorization=authorization, shop=shop_data)


@schema.given(data=st.data())
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_staff_with_a_server_error(
    case: schemathesis.Case,
    data: st.DataObject,
    shop_data: ShopData,
    unthrottled: None,
    connection_kept_open: None,
    bearer: BearerFactory,
) -> None:
    authorization = bearer(shop_data.staff.id, roles=("staff",))

    call_without_server_error(case, data, authorization=authorization, shop=shop_data)
