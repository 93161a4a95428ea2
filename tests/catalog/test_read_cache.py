"""The product list (HTTP, end to end) and the products placements price (the api) through the
catalog's read cache in Redis, as deployed.

A repeated read costs no SQL statement; the read right after any write use case (over HTTP or in
the admin) shows the write. Transactional tests: the fresh token is set after a real commit.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from contexts.catalog import api, demo, services
from contexts.catalog.models import Product
from tests.catalog.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shared_read_caches"),
]

PRODUCTS = "/api/catalog/products/"


@pytest.fixture(autouse=True)
def products() -> None:
    ProductFactory(sku="MUG-1", name="Mug", price=Decimal("10.00"))
    ProductFactory(sku="TEA-1", name="Tea", price=Decimal("5.00"))


def listed(client: APIClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"{PRODUCTS}{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def prices(client: APIClient, query: str = "") -> dict[str, str]:
    return {product["sku"]: product["price"] for product in listed(client, query)["results"]}


def statements_of(read: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def warm(client: APIClient, query: str = "") -> None:
    listed(client, query)  # starts the catalog's token
    listed(client, query)  # stores the page


def test_a_repeated_read_of_a_page_costs_no_statement(anonymous_client: APIClient) -> None:
    first = listed(anonymous_client)
    assert statements_of(lambda: listed(anonymous_client)) == 2  # the count and the page, stored

    assert statements_of(lambda: listed(anonymous_client)) == 0
    assert listed(anonymous_client) == first


def test_a_new_price_is_on_the_very_next_read(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    warm(anonymous_client)

    changed = staff_client.patch(f"{PRODUCTS}MUG-1/", {"price": "12.50"}, format="json")

    assert changed.status_code == 200, changed.content
    assert prices(anonymous_client) == {"MUG-1": "12.50", "TEA-1": "5.00"}


def test_a_retired_product_leaves_the_very_next_read_and_staff_still_see_it(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    warm(anonymous_client)
    warm(staff_client, "?include_retired=true")

    assert staff_client.post(f"{PRODUCTS}TEA-1/retire/").status_code == 200

    assert list(prices(anonymous_client)) == ["MUG-1"]
    everything = listed(staff_client, "?include_retired=true")["results"]
    assert [(product["sku"], product["active"]) for product in everything] == [
        ("MUG-1", True),
        ("TEA-1", False),
    ]


def test_created_and_published_products_are_on_the_very_next_read(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    ProductFactory(sku="OFF-1", name="Bowl", active=False)
    warm(anonymous_client)

    created = staff_client.post(
        PRODUCTS,
        {"sku": "NEW-1", "name": "Apron", "price": "7.00", "weight_grams": 100},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert list(prices(anonymous_client)) == ["NEW-1", "MUG-1", "TEA-1"]

    assert staff_client.post(f"{PRODUCTS}OFF-1/publish/").status_code == 200
    assert list(prices(anonymous_client)) == ["NEW-1", "OFF-1", "MUG-1", "TEA-1"]


def test_the_admins_actions_are_on_the_very_next_read(
    anonymous_client: APIClient, admin_client: Any
) -> None:
    warm(anonymous_client)
    mug = Product.objects.get(sku="MUG-1")

    admin_client.post(
        "/admin/catalog/product/", {"action": "retire", "_selected_action": [str(mug.pk)]}
    )

    assert list(prices(anonymous_client)) == ["TEA-1"]


def test_the_demo_loader_writes_through_the_services(anonymous_client: APIClient) -> None:
    warm(anonymous_client)

    demo.load(out=io.StringIO())

    assert prices(anonymous_client)["MUG-001"] == "14.90"


def test_each_query_string_and_role_has_pages_of_its_own(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    ProductFactory(sku="OLD-1", name="Apron", active=False)
    for client, query in [
        (anonymous_client, ""),
        (anonymous_client, "?limit=1"),
        (anonymous_client, "?limit=1&offset=1"),
        (anonymous_client, "?search=tea"),
        (staff_client, "?include_retired=true"),
    ]:
        warm(client, query)

    assert list(prices(anonymous_client)) == ["MUG-1", "TEA-1"]
    assert list(prices(anonymous_client, "?limit=1")) == ["MUG-1"]
    assert list(prices(anonymous_client, "?limit=1&offset=1")) == ["TEA-1"]
    assert list(prices(anonymous_client, "?search=tea")) == ["TEA-1"]
    assert list(prices(staff_client, "?include_retired=true")) == ["OLD-1", "MUG-1", "TEA-1"]
    assert list(prices(staff_client)) == ["MUG-1", "TEA-1"]


def test_the_links_of_a_cached_page_are_those_of_the_request(
    anonymous_client: APIClient, settings: Settings
) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.example"]
    warm(anonymous_client, "?limit=1")

    page = anonymous_client.get(f"{PRODUCTS}?limit=1", HTTP_HOST="shop.example")

    assert page.json()["count"] == 2
    assert page.json()["next"] == "http://shop.example/api/catalog/products/?limit=1&offset=1"


def test_a_bad_query_string_is_refused_on_a_cached_list_too(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    warm(anonymous_client)
    warm(staff_client, "?include_retired=true")

    assert anonymous_client.get(f"{PRODUCTS}?limit=0").status_code == 400
    assert anonymous_client.get(f"{PRODUCTS}?colour=red").status_code == 400
    assert anonymous_client.get(f"{PRODUCTS}?include_retired=true").status_code in (401, 403)


# --- The products placements price (catalog.api.get_products) ------------------------------------


def priced(*skus: str) -> dict[str, tuple[Decimal, bool]]:
    products = api.get_products(skus=skus)
    return {sku: (product.price, product.active) for sku, product in products.items()}


def test_products_priced_again_cost_no_statement_and_only_new_skus_are_read() -> None:
    priced("MUG-1")  # starts the token
    priced("MUG-1")  # stores MUG-1

    assert statements_of(lambda: priced("MUG-1")) == 0
    with CaptureQueriesContext(connection) as captured:
        assert priced("MUG-1", "TEA-1", "NONE-1") == {
            "MUG-1": (Decimal("10.00"), True),
            "TEA-1": (Decimal("5.00"), True),
        }
    assert len(captured.captured_queries) == 1
    assert "MUG-1" not in captured.captured_queries[0]["sql"]  # served from the cache


def test_a_new_price_or_a_retirement_is_priced_at_once() -> None:
    priced("MUG-1", "TEA-1")
    priced("MUG-1", "TEA-1")

    services.product_update(sku="MUG-1", price=Decimal("11.00"))
    assert priced("MUG-1", "TEA-1") == {
        "MUG-1": (Decimal("11.00"), True),
        "TEA-1": (Decimal("5.00"), True),
    }

    services.product_retire(sku="TEA-1")
    assert priced("MUG-1", "TEA-1")["TEA-1"] == (Decimal("5.00"), False)
