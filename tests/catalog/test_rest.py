"""The catalog over HTTP: public browsing, staff writes, and the errors of both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.catalog.events import ProductPriceChanged, ProductPublished, ProductRetired
from contexts.catalog.models import Product
from modulith.testing import capture_events
from tests.catalog.factories import ProductFactory
from tests.support.problems import error_fields, problem_of

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/catalog/products/"


def product_url(sku: str, action: str = "") -> str:
    return f"{PRODUCTS}{sku}/{action + '/' if action else ''}"


def listed_skus(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [product["sku"] for product in response.json()["results"]]


def valid_product(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": "MUG-001",
        "name": "Stoneware mug",
        "description": "Hand-glazed.",
        "price": "14.90",
        "currency": "EUR",
        "weight_grams": 380,
        **overrides,
    }


# --- Public browsing ----------------------------------------------------------------------------


def test_anyone_lists_active_products_without_a_token(anonymous_client: APIClient) -> None:
    ProductFactory(sku="B-1", name="Bowl")
    ProductFactory(sku="A-1", name="Apron")

    response = anonymous_client.get(PRODUCTS)

    assert listed_skus(response) == ["A-1", "B-1"]
    first = response.json()["results"][0]
    assert first["price"] == "10.00"
    assert first["currency"] == "EUR"


def test_the_public_list_leaves_out_retired_products(anonymous_client: APIClient) -> None:
    ProductFactory(sku="ON-SALE")
    ProductFactory(sku="RETIRED", active=False)

    response = anonymous_client.get(PRODUCTS)

    assert listed_skus(response) == ["ON-SALE"]


def test_search_finds_products_by_part_of_the_name_in_any_case(
    anonymous_client: APIClient,
) -> None:
    ProductFactory(sku="MUG-1", name="Stoneware Mug")
    ProductFactory(sku="MUG-2", name="mug warmer")
    ProductFactory(sku="TEA-1", name="Green tea")

    response = anonymous_client.get(PRODUCTS, {"search": "MUG"})

    assert sorted(listed_skus(response)) == ["MUG-1", "MUG-2"]


def test_the_price_range_keeps_products_within_both_bounds_inclusive(
    anonymous_client: APIClient,
) -> None:
    for sku, price in [("CHEAP", "4.99"), ("LOW", "5.00"), ("HIGH", "20.00"), ("DEAR", "20.01")]:
        ProductFactory(sku=sku, name=sku, price=Decimal(price))

    response = anonymous_client.get(PRODUCTS, {"min_price": "5", "max_price": "20.00"})

    assert sorted(listed_skus(response)) == ["HIGH", "LOW"]


@pytest.mark.parametrize(
    "query",
    [
        {"min_price": "cheap"},
        {"max_price": "1e"},
        {"min_price": "NaN"},
    ],
)
def test_a_price_bound_that_is_not_a_number_answers_400(
    anonymous_client: APIClient, query: dict[str, str]
) -> None:
    response = anonymous_client.get(PRODUCTS, query)

    assert error_fields(response) <= {"min_price", "max_price"}


def test_an_inverted_price_range_is_an_empty_page_not_an_error(
    anonymous_client: APIClient,
) -> None:
    ProductFactory(sku="MUG-1", price=Decimal("20.00"))

    response = anonymous_client.get(PRODUCTS, {"min_price": "30", "max_price": "10"})

    assert response.status_code == 200
    assert listed_skus(response) == []


def test_the_list_is_paginated_with_limit_and_offset(anonymous_client: APIClient) -> None:
    for index in range(5):
        ProductFactory(sku=f"P-{index}", name=f"Product {index}")

    response = anonymous_client.get(PRODUCTS, {"limit": 2, "offset": 2})

    body = response.json()
    assert body["count"] == 5
    assert [product["sku"] for product in body["results"]] == ["P-2", "P-3"]
    assert body["next"] is not None and body["previous"] is not None


@pytest.mark.parametrize("page_size", [1, 10, 40])
def test_listing_runs_two_queries_whatever_the_page_size(
    anonymous_client: APIClient, django_assert_num_queries: Any, page_size: int
) -> None:
    ProductFactory.create_batch(40)

    with django_assert_num_queries(2):  # the count and the page
        response = anonymous_client.get(PRODUCTS, {"limit": page_size})

    assert len(listed_skus(response)) == page_size


def test_staff_list_retired_products_when_they_ask_for_them(staff_client: APIClient) -> None:
    ProductFactory(sku="ON-SALE")
    ProductFactory(sku="RETIRED", active=False)

    response = staff_client.get(PRODUCTS, {"include_retired": "true"})

    assert sorted(listed_skus(response)) == ["ON-SALE", "RETIRED"]


def test_a_customer_asking_for_retired_products_is_forbidden(customer_client: APIClient) -> None:
    response = customer_client.get(PRODUCTS, {"include_retired": "true"})

    problem_of(response, 403)


def test_an_anonymous_client_asking_for_retired_products_must_authenticate(
    anonymous_client: APIClient,
) -> None:
    response = anonymous_client.get(PRODUCTS, {"include_retired": "true"})

    problem_of(response, 401)


def test_anyone_reads_an_active_product_by_sku(anonymous_client: APIClient) -> None:
    product = ProductFactory(sku="MUG-001", name="Mug", price=Decimal("14.90"))

    response = anonymous_client.get(product_url("MUG-001"))

    assert response.status_code == 200
    assert response.json()["id"] == str(product.id)
    assert response.json()["price"] == "14.90"


def test_a_retired_product_is_not_found_by_the_public_but_shown_to_staff(
    anonymous_client: APIClient, staff_client: APIClient
) -> None:
    ProductFactory(sku="OLD-1", active=False)

    public = anonymous_client.get(product_url("OLD-1"))
    staff = staff_client.get(product_url("OLD-1"))

    problem_of(public, 404)
    assert staff.status_code == 200
    assert staff.json()["active"] is False


def test_an_unknown_sku_is_not_found(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(product_url("NOPE-1"))

    problem_of(response, 404)


# --- Staff writes -------------------------------------------------------------------------------


def test_staff_create_an_active_product_and_it_is_published(staff_client: APIClient) -> None:
    with capture_events() as captured:
        response = staff_client.post(PRODUCTS, valid_product(), format="json")

    assert response.status_code == 201, response.content
    product = Product.objects.get(sku="MUG-001")
    assert product.price == Decimal("14.90")
    assert response.json()["id"] == str(product.id)
    [published] = captured.of_type(ProductPublished)
    assert (published.product_id, published.sku, published.price, published.currency) == (
        product.id,
        "MUG-001",
        Decimal("14.90"),
        "EUR",
    )
    assert published.weight_grams == 380


def test_a_product_created_inactive_is_not_published(staff_client: APIClient) -> None:
    with capture_events() as captured:
        response = staff_client.post(PRODUCTS, valid_product(active=False), format="json")

    assert response.status_code == 201
    assert captured.events == []


def test_the_currency_defaults_to_euro(staff_client: APIClient) -> None:
    payload = valid_product()
    del payload["currency"]

    response = staff_client.post(PRODUCTS, payload, format="json")

    assert response.json()["currency"] == "EUR"


def test_a_customer_may_not_create_products(customer_client: APIClient) -> None:
    response = customer_client.post(PRODUCTS, valid_product(), format="json")

    problem_of(response, 403)
    assert not Product.objects.exists()


def test_an_anonymous_create_must_authenticate(anonymous_client: APIClient) -> None:
    response = anonymous_client.post(PRODUCTS, valid_product(), format="json")

    problem_of(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sku", "mug-001"),
        ("sku", "MUG 001"),
        ("sku", "-MUG"),
        ("sku", "MUG--1"),
        ("sku", "M" * 33),
        ("sku", ""),
        ("name", ""),
        ("price", "0"),
        ("price", "-1.00"),
        ("price", "1.234"),
        ("price", "ten"),
        ("price", "10000000000.00"),
        ("weight_grams", 0),
        ("weight_grams", -5),
        ("currency", "eur"),
        ("currency", "EURO"),
        ("currency", "E1R"),
        ("active", "maybe"),
    ],
)
def test_invalid_values_answer_400_naming_the_field(
    staff_client: APIClient, field: str, value: object
) -> None:
    response = staff_client.post(PRODUCTS, valid_product(**{field: value}), format="json")

    assert error_fields(response) == {field}
    assert not Product.objects.exists()


@pytest.mark.parametrize("missing", ["sku", "name", "price", "weight_grams"])
def test_a_missing_required_field_answers_400(staff_client: APIClient, missing: str) -> None:
    payload = valid_product()
    del payload[missing]

    response = staff_client.post(PRODUCTS, payload, format="json")

    assert error_fields(response) == {missing}


def test_an_unknown_field_answers_400_instead_of_being_ignored(staff_client: APIClient) -> None:
    response = staff_client.post(PRODUCTS, valid_product(colour="red"), format="json")

    assert error_fields(response) == {"colour"}


def test_a_duplicate_sku_is_a_conflict(staff_client: APIClient) -> None:
    ProductFactory(sku="MUG-001")

    with capture_events() as captured:
        response = staff_client.post(PRODUCTS, valid_product(), format="json")

    assert problem_of(response, 409)["type"] == "/problems/sku-taken"
    assert captured.events == []
    assert Product.objects.count() == 1


def test_staff_change_a_price_and_ProductPriceChanged_is_published(
    staff_client: APIClient,
) -> None:
    product = ProductFactory(sku="MUG-001", price=Decimal("14.90"))

    with capture_events() as captured:
        response = staff_client.patch(product_url("MUG-001"), {"price": "12.50"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["price"] == "12.50"
    [changed] = captured.events
    assert changed == ProductPriceChanged(
        product_id=product.id,
        sku="MUG-001",
        old_price=Decimal("14.90"),
        new_price=Decimal("12.50"),
        currency="EUR",
        changed_at=changed.changed_at,
    )


def test_a_change_that_keeps_the_price_publishes_nothing(staff_client: APIClient) -> None:
    ProductFactory(sku="MUG-001", name="Mug", price=Decimal("14.90"))

    with capture_events() as captured:
        response = staff_client.patch(
            product_url("MUG-001"), {"name": "Big mug", "price": "14.9"}, format="json"
        )

    assert response.json()["name"] == "Big mug"
    assert captured.events == []


def test_the_currency_cannot_be_changed(staff_client: APIClient) -> None:
    ProductFactory(sku="MUG-001")

    response = staff_client.patch(product_url("MUG-001"), {"currency": "USD"}, format="json")

    assert error_fields(response) == {"currency"}


def test_an_invalid_new_price_answers_400(staff_client: APIClient) -> None:
    ProductFactory(sku="MUG-001")

    response = staff_client.patch(product_url("MUG-001"), {"price": "0.00"}, format="json")

    assert error_fields(response) == {"price"}


def test_changing_an_unknown_product_answers_404(staff_client: APIClient) -> None:
    response = staff_client.patch(product_url("NOPE-1"), {"name": "x"}, format="json")

    problem_of(response, 404)


def test_a_customer_may_not_change_a_product(customer_client: APIClient) -> None:
    ProductFactory(sku="MUG-001")

    response = customer_client.patch(product_url("MUG-001"), {"name": "x"}, format="json")

    problem_of(response, 403)


def test_staff_retire_a_product_once_however_often_they_ask(staff_client: APIClient) -> None:
    product = ProductFactory(sku="MUG-001")

    with capture_events() as captured:
        first = staff_client.post(product_url("MUG-001", "retire"))
        second = staff_client.post(product_url("MUG-001", "retire"))

    assert first.status_code == second.status_code == 200
    assert second.json()["active"] is False
    [retired] = captured.events
    assert isinstance(retired, ProductRetired)
    assert (retired.product_id, retired.sku) == (product.id, "MUG-001")


def test_retiring_an_unknown_product_answers_404(staff_client: APIClient) -> None:
    response = staff_client.post(product_url("NOPE-1", "retire"))

    problem_of(response, 404)


@pytest.mark.parametrize(("client_name", "status"), [("anonymous", 401), ("customer", 403)])
def test_only_staff_retire_products(
    request: pytest.FixtureRequest, client_name: str, status: int
) -> None:
    ProductFactory(sku="MUG-001")
    client: APIClient = request.getfixturevalue(f"{client_name}_client")

    response = client.post(product_url("MUG-001", "retire"))

    problem_of(response, status)
    assert Product.objects.get(sku="MUG-001").active


def test_staff_put_a_retired_product_on_sale_again(staff_client: APIClient) -> None:
    ProductFactory(sku="MUG-001", active=False)

    with capture_events() as captured:
        response = staff_client.post(product_url("MUG-001", "publish"))

    assert response.json()["active"] is True
    assert [event.sku for event in captured.of_type(ProductPublished)] == ["MUG-001"]
