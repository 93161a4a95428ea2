"""The extraction drill: catalog, shipping and identity served by another process, called from
this one by configuration alone (the remote api URLs a topology derives), over real HTTP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.catalog import api as catalog_api
from contexts.identity import api as identity_api
from contexts.shipping import api as shipping_api
from tests.catalog.factories import ProductFactory
from tests.extraction.conftest import Remotes
from tests.identity.factories import UserFactory
from tests.orders.factories import order_payload
from tests.support.auth import BearerFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PARCEL = [shipping_api.ParcelLine(sku="TEA-1", quantity=2, weight_grams=300)]


def test_get_products_over_http_returns_the_same_dtos_as_the_local_call(
    extracted_service: str, remotes: Remotes, caplog: pytest.LogCaptureFixture
) -> None:
    ProductFactory(sku="TEA-1", price=Decimal("4.20"))
    ProductFactory(sku="MUG-1", price=Decimal("12.00"), active=False)
    skus = ["TEA-1", "MUG-1", "UNKNOWN"]
    local = catalog_api.get_products(skus=skus)
    remotes(catalog=extracted_service)

    with caplog.at_level(logging.DEBUG, logger="modulith.remote.client"):
        remote = catalog_api.get_products(skus=skus)

    assert remote == local
    assert isinstance(remote["TEA-1"], catalog_api.ProductDTO)
    assert f"POST {extracted_service}/internal/api/catalog/get_products/ answered 200" in (
        caplog.text
    )


def test_a_declared_exception_crosses_the_wire_as_itself(
    extracted_service: str, remotes: Remotes
) -> None:
    remotes(shipping=extracted_service)

    with pytest.raises(shipping_api.NoShippingRate, match="No USD rate to DE"):
        shipping_api.quote(lines=PARCEL, country="DE", currency="USD")


def test_declared_exceptions_are_answers_and_never_open_the_breaker(
    extracted_service: str, remotes: Remotes, modulith_settings: Callable[..., None]
) -> None:
    modulith_settings(REMOTE_BREAKER_FAIL_MAX=1, REMOTE_BREAKER_REDIS_URL="")
    remotes(shipping=extracted_service)
    for _ in range(3):
        with pytest.raises(shipping_api.NoShippingRate):
            shipping_api.quote(lines=PARCEL, country="DE", currency="USD")

    quote = shipping_api.quote(lines=PARCEL, country="DE", currency="EUR")

    assert quote.currency == "EUR"


def test_an_exceptions_typed_attributes_cross_the_wire(
    extracted_service: str, remotes: Remotes
) -> None:
    missing = uuid.uuid4()
    remotes(identity=extracted_service)

    with pytest.raises(identity_api.CustomerNotFound) as raised:
        identity_api.get_customer(customer_id=missing)

    assert raised.value.customer_id == missing


def test_identity_answers_the_customer_over_http(extracted_service: str, remotes: Remotes) -> None:
    user = UserFactory.create()
    local = identity_api.get_customer(customer_id=user.id)
    remotes(identity=extracted_service)

    remote = identity_api.get_customer(customer_id=user.id)

    assert remote == local


def place_order(bearer: BearerFactory, customer_id: uuid.UUID) -> dict[str, Any]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(customer_id))
    response = client.post(
        "/api/orders/",
        order_payload(lines=[{"sku": "TEA-1", "quantity": 2}, {"sku": "MUG-1", "quantity": 1}]),
        format="json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_an_order_placed_with_catalog_and_shipping_remote_is_priced_as_in_process(
    extracted_service: str, remotes: Remotes, bearer: BearerFactory
) -> None:
    # Prices whose sums are exact in binary floating point too: SQLite checks the order's
    # total = subtotal + shipping_cost constraint on floats.
    ProductFactory(sku="TEA-1", price=Decimal("4.25"), weight_grams=300)
    ProductFactory(sku="MUG-1", price=Decimal("12.00"), weight_grams=350)
    customer_id = uuid.uuid4()
    in_process = place_order(bearer, customer_id)
    remotes(catalog=extracted_service, shipping=extracted_service)

    extracted = place_order(bearer, customer_id)

    priced = ("currency", "subtotal", "shipping_cost", "total")
    assert [extracted[key] for key in priced] == [in_process[key] for key in priced]
    assert (extracted["subtotal"], extracted["shipping_cost"]) == ("20.50", "4.90")
    assert [line["unit_price"] for line in extracted["lines"]] == ["4.25", "12.00"]
