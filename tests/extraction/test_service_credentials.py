"""Service credentials between separate services, over real HTTP.

This test process plays service "orders": it signs its calls with orders' key. A gunicorn
process plays another process of orders (its web server), which publishes orders' keys at
/.well-known/service-jwks.json. A second gunicorn process is service "catalog": it holds a key
of its own and no key of identity's, and verifies orders' calls with the key set orders
publishes. Rotating orders' key needs no step on catalog's side.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.db import connections
from pytest_django.fixtures import Settings

from contexts.catalog import api as catalog_api
from modulith.http.keys import KEY_SET_REFRESH_COOLDOWN_SECONDS
from modulith.remote.credentials import service_authorization
from tests.catalog.factories import ProductFactory
from tests.extraction.server import serve_shop, service_env
from tests.support.jwt_keys import (
    JwtKeys,
    generate_key,
    kid_of,
    private_pem,
    public_pem,
    service_claims,
    signed,
)
from tests.support.problems import assert_problem_type
from tests.support.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GET_PRODUCTS = "/internal/api/catalog/get_products/"


@dataclass(frozen=True)
class OrdersKeys:
    private_file: Path  # what orders' processes sign with (rewritten to rotate)
    published_file: Path  # the other public key orders publishes (SERVICE_PUBLIC_KEY_FILES)
    first: RSAPrivateKey
    second: RSAPrivateKey

    def sign_with(self, key: RSAPrivateKey) -> None:
        replace_file(self.private_file, private_pem(key))

    def also_publish(self, key: RSAPrivateKey) -> None:
        replace_file(self.published_file, public_pem(key))


@dataclass(frozen=True)
class Deployment:
    orders_url: str
    catalog_url: str
    catalog_key: RSAPrivateKey
    keys: OrdersKeys


def replace_file(path: Path, data: bytes) -> None:
    """Replace a key file as an operator's deploy would: whole, never half-written."""
    temporary = path.with_suffix(".new")
    temporary.write_bytes(data)
    temporary.replace(path)


@pytest.fixture(scope="module")
def deployment(
    django_db_setup: None,
    django_db_blocker: Any,
    jwt_keys: JwtKeys,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    """Started once for the module (a gunicorn takes seconds to boot); the rotation test, which
    changes orders' keys, comes last."""
    tmp_path = tmp_path_factory.mktemp("service-credentials")
    first, second, catalog_key = generate_key(), generate_key(), generate_key()
    keys = OrdersKeys(tmp_path / "orders-private.pem", tmp_path / "orders-extra.pem", first, second)
    keys.sign_with(first)
    keys.also_publish(first)
    catalog_key_file = tmp_path / "catalog-private.pem"
    catalog_key_file.write_bytes(private_pem(catalog_key))
    with django_db_blocker.unblock():
        database = database_url(connections["default"].settings_dict)
    # Two services of the `services` topology, both on the test database (each serves its own
    # context from it; the others are remote to them).
    orders_env = service_env(
        SHOP_TOPOLOGY="services",
        ORDERS_DATABASE_URL=database,
        SHOP_SERVICE="orders",
        SERVICE_PRIVATE_KEY_FILE=str(keys.private_file),
        SERVICE_PUBLIC_KEY_FILES=str(keys.published_file),
    )
    with serve_shop(orders_env) as orders_url:
        catalog_env = service_env(
            SHOP_TOPOLOGY="services",
            CATALOG_DATABASE_URL=database,
            ORDERS_URL=orders_url,
            SHOP_SERVICE="catalog",
            SERVICE_PRIVATE_KEY_FILE=str(catalog_key_file),
            SERVICE_KEY_SET_URLS=f"orders={orders_url}/.well-known/service-jwks.json",
            # Catalog verifies user tokens with identity's public key only: it holds no private
            # key of identity's.
            JWT_PRIVATE_KEY_FILE=str(tmp_path / "no-such-key.pem"),
            JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        )
        with serve_shop(catalog_env) as catalog_url:
            yield Deployment(orders_url, catalog_url, catalog_key, keys)


@pytest.fixture
def as_orders(settings: Settings, deployment: Deployment) -> None:
    """This process becomes a process of orders that calls catalog's api over HTTP."""
    settings.SERVICE_PRIVATE_KEY_FILE = str(deployment.keys.private_file)
    settings.MODULITH = {
        **settings.MODULITH,
        "SERVICE": "orders",
        "CONTEXT_REMOTES": {"catalog": deployment.catalog_url},
        "CONTEXT_SERVICES": {"catalog": "catalog"},
        "REMOTE_BREAKER_REDIS_URL": "",
    }


def post_to_catalog(deployment: Deployment, token: str) -> httpx.Response:
    return httpx.post(
        f"{deployment.catalog_url}{GET_PRODUCTS}",
        json={"skus": ["TEA-1"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


@pytest.mark.usefixtures("as_orders")
def test_catalog_verifies_orders_call_with_the_key_set_orders_publishes(
    deployment: Deployment,
) -> None:
    ProductFactory(sku="TEA-1", price=Decimal("4.20"))

    products = catalog_api.get_products(skus=["TEA-1"])

    assert products["TEA-1"].price == Decimal("4.20")


def test_each_service_publishes_its_own_key_and_no_one_elses(
    deployment: Deployment, jwt_keys: JwtKeys
) -> None:
    orders = httpx.get(f"{deployment.orders_url}/.well-known/service-jwks.json").json()
    catalog = httpx.get(f"{deployment.catalog_url}/.well-known/service-jwks.json").json()

    assert [key["kid"] for key in orders["keys"]] == [kid_of(deployment.keys.first)]
    assert [key["kid"] for key in catalog["keys"]] == [kid_of(deployment.catalog_key)]
    published = {key["kid"] for key in orders["keys"] + catalog["keys"]}
    assert kid_of(jwt_keys.current) not in published  # identity's key signs user tokens only


def test_a_token_orders_addressed_to_another_service_is_refused(deployment: Deployment) -> None:
    token = signed(service_claims("orders", "payments"), deployment.keys.first)

    response = post_to_catalog(deployment, token)

    assert response.status_code == 401
    assert_problem_type(response)
    assert "not addressed to service 'catalog'" in response.json()["detail"]


def test_a_token_claiming_to_be_orders_but_signed_by_another_key_is_refused(
    deployment: Deployment,
) -> None:
    forged = signed(service_claims("orders", "catalog"), generate_key())

    response = post_to_catalog(deployment, forged)

    assert response.status_code == 401
    assert "does not publish" in response.json()["detail"]


def test_a_service_the_deployment_does_not_know_is_refused(deployment: Deployment) -> None:
    token = signed(service_claims("stranger", "catalog"), generate_key())

    response = post_to_catalog(deployment, token)

    assert response.status_code == 401
    assert "No service 'stranger'" in response.json()["detail"]


@pytest.mark.usefixtures("as_orders")
def test_orders_rotates_its_key_and_catalog_follows_by_the_kid(deployment: Deployment) -> None:
    ProductFactory(sku="TEA-1", price=Decimal("4.20"))
    before = service_authorization("catalog").removeprefix("Bearer ")
    assert catalog_api.get_products(skus=["TEA-1"])  # catalog now caches orders' first key

    # The rotation: orders signs with its second key and still publishes the first one.
    deployment.keys.sign_with(deployment.keys.second)
    # An unknown kid refetches the key set, at most once per cooldown after the last fetch.
    time.sleep(KEY_SET_REFRESH_COOLDOWN_SECONDS + 0.3)
    after = service_authorization("catalog").removeprefix("Bearer ")

    assert catalog_api.get_products(skus=["TEA-1"])
    assert post_to_catalog(deployment, after).status_code == 200
    # A token signed before the rotation stays good until it expires.
    assert post_to_catalog(deployment, before).status_code == 200
    published = httpx.get(f"{deployment.orders_url}/.well-known/service-jwks.json").json()
    assert [key["kid"] for key in published["keys"]] == [
        kid_of(deployment.keys.second),
        kid_of(deployment.keys.first),
    ]
