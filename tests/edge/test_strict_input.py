"""Input is taken as the schema types it: no coercion of numbers, strings and booleans."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from modulith.http.authentication import Role
from modulith.http.inputs import NOT_BLANK_PATTERN, decimal_pattern
from tests.support import clients

PRICE = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
SIGNED = serializers.DecimalField(max_digits=12, decimal_places=2)


@pytest.mark.parametrize("text", ["0.01", ".5", "1", "12.50", "9999999999.99", "0.10"])
def test_a_positive_price_pattern_takes_positive_decimals(text: str) -> None:
    assert re.fullmatch(decimal_pattern(PRICE), text)


@pytest.mark.parametrize("text", ["", ".", "0", "0.00", "-1", "1e3", "+5", " 5", "1.234", "٣"])
def test_a_positive_price_pattern_refuses_everything_else(text: str) -> None:
    assert not re.fullmatch(decimal_pattern(PRICE), text)


def test_an_unbounded_decimal_pattern_takes_zero_and_negatives() -> None:
    assert all(re.fullmatch(decimal_pattern(SIGNED), text) for text in ("0", "-0.5", "-12"))


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.content[:300]
    return {error["field"]: error["code"] for error in response.json()["errors"]}


@pytest.mark.django_db
def test_a_number_for_a_string_is_refused_not_coerced() -> None:
    body = {"lines": [{"sku": 7, "quantity": 1, "weight_grams": 10}], "country": "DE"}

    response = APIClient().post("/api/shipping/quotes/", body, format="json")

    assert fields_of(response) == {"lines[0].sku": "invalid_type"}


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", ["1", True, 1.5])
def test_anything_but_an_integer_for_an_integer_is_refused(quantity: object) -> None:
    body = {"lines": [{"sku": "A-1", "quantity": quantity, "weight_grams": 10}], "country": "DE"}

    response = APIClient().post("/api/shipping/quotes/", body, format="json")

    assert "lines[0].quantity" in fields_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("price", [12.5, "1e3", " 12.50", "0.00"])
def test_a_price_outside_the_schema_s_pattern_is_refused(price: object) -> None:
    client = clients.client_with_roles(Role.STAFF)
    body = {"sku": "STRICT-1", "name": "Mug", "price": price, "weight_grams": 300}

    response = client.post("/api/catalog/products/", body, format="json")

    assert "price" in fields_of(response)


@pytest.mark.django_db
def test_a_string_for_a_boolean_is_refused() -> None:
    client = clients.client_with_roles(Role.STAFF)
    body = {"sku": "STRICT-2", "name": "Mug", "price": "9.90", "weight_grams": 3, "active": "yes"}

    response = client.post("/api/catalog/products/", body, format="json")

    assert fields_of(response) == {"active": "invalid_type"}


@pytest.mark.django_db
def test_an_all_digit_password_is_refused_by_the_schema_s_rule() -> None:
    body = {"email": "digits@example.com", "password": "12345678901", "name": "Dee"}

    response = APIClient().post("/api/identity/register/", body, format="json")

    assert "password" in fields_of(response)


@pytest.mark.django_db
def test_a_refresh_token_of_blanks_is_a_wrong_token_not_a_blank_field() -> None:
    response = APIClient().post("/api/identity/token/refresh/", {"refresh": "   "}, format="json")

    assert response.status_code == 401


# --- Strings: U+0000 and blank, as DRF's CharField refuses them --------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\t", "\x1e", "\x85", "a\x00b"])
def test_the_not_blank_pattern_refuses_what_a_trimming_charfield_refuses(text: str) -> None:
    field = serializers.CharField()
    refused = True
    try:
        field.run_validation(text)
        refused = False
    except serializers.ValidationError:
        pass

    assert refused
    assert not re.search(NOT_BLANK_PATTERN, text)


@pytest.mark.parametrize("text", ["a", " a ", "\x1ea", "Grace Hopper"])
def test_the_not_blank_pattern_takes_what_a_trimming_charfield_takes(text: str) -> None:
    serializers.CharField().run_validation(text)

    assert re.search(NOT_BLANK_PATTERN, text)


def test_a_blank_allowing_string_with_a_pattern_takes_the_empty_string_in_the_schema() -> None:
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    description = schema["components"]["schemas"]["PatchedProductUpdateInputRequest"]["properties"][
        "description"
    ]

    # oneOf would make "" invalid: it matches both alternatives.
    assert "oneOf" not in description
    assert {"type": "string", "maxLength": 0} in description["anyOf"]
