"""Input a client controls never costs a 5xx: each case a probe of the API found, as a 4xx problem.

Through the shop's real URLs and middleware (Django's test client), on the database of the run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from contexts.catalog.rest.views import ProductCollectionView
from modulith.http.authentication import Role
from modulith.http.pagination import MAX_PAGE_SIZE
from tests.inventory.factories import StockItemFactory
from tests.support import clients
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 1000 + "]" * 1000


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert_problem_type(response)
    body = json.loads(response.content)
    assert body["status"] == status
    return body


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


# --- Deeply nested JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/shipping/quotes/", "/api/identity/token/", "/api/identity/register/"],
)
def test_deeply_nested_json_on_a_public_endpoint_is_a_400_problem(path: str) -> None:
    response = APIClient().post(path, DEEP_JSON, content_type="application/json")

    body = problem_of(response, 400)
    assert "nests deeper than 16 levels" in body["detail"]


def test_deeply_nested_json_behind_authentication_is_a_400_problem() -> None:
    client = clients.client_with_roles(Role.CUSTOMER)

    response = client.post(
        "/api/orders/", DEEP_JSON, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    problem_of(response, 400)


def test_nesting_inside_strings_does_not_count_as_depth() -> None:
    body = json.dumps({"lines": [{"sku": "[" * 500, "quantity": 1, "weight_grams": 1}]})

    response = APIClient().post(
        "/api/shipping/quotes/", body + " ", content_type="application/json"
    )

    # Refused for the sku's length and the missing country, not for its brackets.
    assert error_fields(problem_of(response, 400)) == {"lines[0].sku", "country"}


# --- Oversized lists ---------------------------------------------------------------------------


def test_a_body_of_too_many_objects_is_refused_before_it_is_parsed() -> None:
    body = json.dumps({"lines": [{}] * 250_000, "country": "DE"})

    response = APIClient().post("/api/shipping/quotes/", body, content_type="application/json")

    assert "more than 1000 arrays and objects" in problem_of(response, 400)["detail"]


def test_a_quote_with_too_many_lines_is_refused_before_any_line_is_validated() -> None:
    body = json.dumps({"lines": [{}] * 900, "country": "DE"})

    response = APIClient().post("/api/shipping/quotes/", body, content_type="application/json")

    body_of_problem = problem_of(response, 400)
    assert body_of_problem["errors"] == [
        {
            "field": "lines",
            "message": "Ensure this field has no more than 100 elements.",
            "code": "max_length",
        }
    ]


def test_an_order_with_too_many_lines_is_refused_without_an_error_per_line() -> None:
    client = clients.client_with_roles(Role.CUSTOMER)
    body = {"lines": [{}] * 900, "shipping_address": {}, "payment_method_id": "x"}

    response = client.post("/api/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert "lines" in error_fields(problem_of(response, 400))
    assert len(json.loads(response.content)["errors"]) < 10


# --- Pagination --------------------------------------------------------------------------------

STAFF_LISTS = [
    "/api/catalog/products/",
    "/api/inventory/stock/",
    "/api/inventory/stock/BENCH-1/adjustments/",
    "/api/notifications/",
    "/api/orders/",
    "/api/payments/",
    "/api/shipping/shipments/",
]
CUSTOMER_LISTS = ["/api/payments/methods/"]
EVERY_LIST = [(path, Role.STAFF) for path in STAFF_LISTS] + [
    (path, Role.CUSTOMER) for path in CUSTOMER_LISTS
]


@pytest.fixture
def tracked_sku() -> None:
    StockItemFactory.create(sku="BENCH-1")


@pytest.mark.parametrize(("path", "role"), EVERY_LIST)
def test_a_limit_beyond_64_bits_is_a_400_problem_on_every_list(
    path: str, role: str, tracked_sku: None
) -> None:
    response = clients.client_with_roles(role).get(path, {"limit": "9223372036854775808"})

    assert error_fields(problem_of(response, 400)) == {"limit"}


@pytest.mark.parametrize(("path", "role"), EVERY_LIST)
def test_an_offset_beyond_64_bits_is_a_400_problem_on_every_list(
    path: str, role: str, tracked_sku: None
) -> None:
    response = clients.client_with_roles(role).get(path, {"offset": "9" * 40})

    assert error_fields(problem_of(response, 400)) == {"offset"}


@pytest.mark.parametrize(
    "query",
    [
        "limit=-1",
        "limit=abc",
        "limit=0",
        f"limit={MAX_PAGE_SIZE + 1}",
        "limit=1000000",
        "limit=",
        "limit=%C2%B2",
        "offset=-5",
        "offset=null&offset=null",
        "limit=5&limit=6",
    ],
)
def test_an_invalid_limit_or_offset_is_a_400_problem_not_a_default(query: str) -> None:
    response = APIClient().get(f"/api/catalog/products/?{query}")

    name = query.split("=", 1)[0]
    assert error_fields(problem_of(response, 400)) == {name}


@pytest.mark.parametrize(("path", "role"), EVERY_LIST)
def test_an_unknown_query_parameter_is_a_400_problem_on_every_list(
    path: str, role: str, tracked_sku: None
) -> None:
    response = clients.client_with_roles(role).get(path, {"limit": "5", "sort": "price"})

    assert error_fields(problem_of(response, 400)) == {"sort"}


def test_the_product_list_accepts_exactly_its_filters() -> None:
    view = ProductCollectionView
    assert set(view.query_parameter_names) == set(view.ProductFilter().fields)

    response = APIClient().get("/api/catalog/products/", {"search": "tea", "min_price": "1"})

    assert response.status_code == 200


def test_the_largest_page_is_served() -> None:
    response = APIClient().get(f"/api/catalog/products/?limit={MAX_PAGE_SIZE}&offset=0")

    assert response.status_code == 200


# --- Under DEBUG, API paths still answer problems ---------------------------------------------


@override_settings(DEBUG=True)
def test_a_post_without_its_trailing_slash_is_a_404_problem_naming_the_url() -> None:
    client = clients.client_with_roles(Role.CUSTOMER)

    response = client.post("/api/orders", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert "/api/orders/" in problem_of(response, 404)["detail"]


def test_a_post_without_its_trailing_slash_is_a_404_problem_outside_debug_too() -> None:
    response = APIClient().post("/api/shipping/quotes", {}, format="json")

    assert "/api/shipping/quotes/" in problem_of(response, 404)["detail"]


def test_a_get_without_its_trailing_slash_is_still_redirected() -> None:
    response = APIClient().get("/api/catalog/products")

    assert response.status_code == 301
    assert response["Location"] == "/api/catalog/products/"


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path", ["/api/no-such-route/", "/api/orders/not-a-uuid/", "/nowhere"])
def test_an_unknown_route_under_debug_is_a_404_problem(path: str) -> None:
    response = APIClient().get(path)

    problem_of(response, 404)
