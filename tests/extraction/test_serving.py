"""The serving side, through DRF's test client: POST /internal/api/<context>/<function>/."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from modulith.remote.credentials import service_authorization
from modulith.remote.settings import this_service
from tests.catalog.factories import ProductFactory
from tests.extraction.conftest import Remotes
from tests.extraction.listeners import unused_url
from tests.support.auth import BearerFactory
from tests.support.jwt_keys import JwtKeys, access_claims, service_claims, signed
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

GET_PRODUCTS = "/internal/api/catalog/get_products/"
QUOTE = "/internal/api/shipping/quote/"


def ours() -> str:
    """A service token of this process's service, for itself (another process of it calls)."""
    return service_authorization(this_service())


def post(path: str, body: Any, authorization: str | None = None) -> Any:
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    content = body.decode() if isinstance(body, bytes) else json.dumps(body)
    return client.generic("POST", path, content, content_type="application/json")


def test_a_service_token_calls_an_api_function_and_gets_its_result_as_json() -> None:
    ProductFactory(sku="TEA-1", price="4.20")

    response = post(GET_PRODUCTS, {"skus": ["TEA-1", "NOPE"]}, ours())

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["TEA-1"]
    assert (body["TEA-1"]["price"], body["TEA-1"]["currency"]) == ("4.20", "EUR")


def test_a_declared_exception_answers_a_422_problem_that_names_it() -> None:
    lines = [{"sku": "MUG-1", "quantity": 1, "weight_grams": 300}]

    # The rate table has EUR rates only.
    response = post(
        QUOTE,
        {"lines": lines, "country": "DE", "currency": "USD"},
        ours(),
    )

    assert response.status_code == 422
    assert_problem_type(response)
    problem = response.json()
    assert problem["type"] == "/problems/api-exception/shipping.NoShippingRate"
    assert problem["title"] == "NoShippingRate"
    assert problem["exception"]["name"] == "NoShippingRate"


def test_arguments_that_do_not_fit_the_hints_answer_a_400_problem_with_field_errors() -> None:
    response = post(GET_PRODUCTS, {"skus": "TEA-1", "limit": 3}, ours())

    assert response.status_code == 400
    assert_problem_type(response)
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"skus", "limit"}


def test_a_body_that_is_not_json_answers_a_400_problem() -> None:
    response = post(GET_PRODUCTS, b'{"skus": [', ours())

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "non_field_errors"


def test_a_call_without_a_token_answers_401() -> None:
    response = post(GET_PRODUCTS, {"skus": ["TEA-1"]})

    assert response.status_code == 401
    assert_problem_type(response)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_service_token_signed_by_a_key_nobody_trusts_answers_401(jwt_keys: JwtKeys) -> None:
    forged = signed(service_claims(this_service(), this_service()), jwt_keys.stranger)

    response = post(GET_PRODUCTS, {"skus": ["TEA-1"]}, f"Bearer {forged}")

    assert response.status_code == 401
    assert response.json()["detail"] == (
        f"The service token is signed by a key service {this_service()!r} does not publish."
    )


def test_a_token_signed_with_identitys_key_is_no_service_token(jwt_keys: JwtKeys) -> None:
    # What callers sent before services had keys of their own: identity's key signs user tokens.
    old_style = signed(access_claims(roles=["service"]), jwt_keys.current)

    response = post(GET_PRODUCTS, {"skus": ["TEA-1"]}, f"Bearer {old_style}")

    assert response.status_code == 401


@pytest.mark.parametrize("roles", [["customer"], ["staff"]])
def test_a_customers_or_staff_token_answers_401(bearer: BearerFactory, roles: list[str]) -> None:
    response = post(GET_PRODUCTS, {"skus": ["TEA-1"]}, bearer(uuid.uuid4(), roles=roles))

    assert response.status_code == 401
    assert_problem_type(response)
    assert "not a user's access token" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/internal/api/catalog/products_by_sku/",  # a selector, not an api function
        "/internal/api/catalog/_private/",
        "/internal/api/nowhere/get_products/",
        "/internal/api/payments/get_payment/",  # a context without that api function
    ],
)
def test_anything_but_an_api_function_answers_404(path: str) -> None:
    response = post(path, {}, ours())

    assert response.status_code == 404
    assert_problem_type(response)


def test_a_context_this_process_calls_remotely_is_not_served_here(remotes: Remotes) -> None:
    remotes(catalog=unused_url())

    response = post(GET_PRODUCTS, {"skus": ["TEA-1"]}, ours())

    assert response.status_code == 404


def test_the_internal_routes_are_not_in_the_public_openapi_schema() -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert not [path for path in json.loads(response.content)["paths"] if "internal" in path]
