"""The schema says exactly what the server accepts: schemathesis, every check, every operation.

The schema is the one the shop serves at /api/schema/, so a new operation is fuzzed the day it
is added. Every operation runs as anonymous, customer and staff against a little real data, with
valid and invalid data (schemathesis.toml) and every check schemathesis has: no 5xx, answers
that match their documented status, type and body, the schema's invalid data refused
(negative_data_rejection) and its valid data accepted (positive_data_acceptance, with the few
documented 422s that schemathesis.toml allows per operation). Generation is derandomized so a
CI failure always reproduces; `make fuzz` is the long run (docs/edge.md).
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
    # Per operation and caller: 32 operations x 3 callers x 8 keeps the pass near a minute.
    max_examples=8,
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
    for scope in ("register", "token", "order", "quote"):
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


CALLERS = ("anonymous", "customer", "staff")


@pytest.fixture(params=CALLERS)
def caller(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def credential_of(caller: str, *, shop: ShopData, bearer: BearerFactory) -> str | None:
    if caller == "customer":
        return bearer(shop.customer.id)
    if caller == "staff":
        return bearer(shop.staff.id, roles=("staff",))
    return None


def authorize(case: schemathesis.Case, credential: str | None) -> None:
    """The caller's credential in place of the one schemathesis generated.

    Where the operation requires a token, schemathesis makes Authorization a required header;
    a case without it is invalid data on purpose (a missing credential), and stays so.
    """
    headers = dict(case.headers or {})
    required = case.operation.get_parameter(name="Authorization", location="header") is not None
    if required and "Authorization" not in headers:
        return
    headers.pop("Authorization", None)
    if credential is not None:
        headers["Authorization"] = credential
    case.headers = headers


@schema.given(data=st.data())
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_keeps_to_its_schema(
    case: schemathesis.Case,
    data: st.DataObject,
    caller: str,
    postgres: None,
    shop_data: ShopData,
    unthrottled: None,
    connection_kept_open: None,
    bearer: BearerFactory,
) -> None:
    # Half the time a path parameter names a real row, so the view's code runs, not just its 404.
    for name, value in shop_data.known_path_values.items():
        if name in (case.path_parameters or {}) and data.draw(st.booleans(), label=name):
            case.path_parameters[name] = value

    authorize(case, credential_of(caller, shop=shop_data, bearer=bearer))
    # No `checks` argument: every check, configured per operation by schemathesis.toml.
    case.call_and_validate()
