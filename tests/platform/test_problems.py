"""Every 4xx and 5xx answer is application/problem+json (RFC 9457)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory, override_settings
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient

from modulith.http import problems
from tests.identity.factories import UserFactory
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.urls("tests.platform.urls")


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """Assert the response is a problem with `status`; return its body."""
    assert response.status_code == status, response.content
    assert_problem_type(response)
    body = json.loads(response.content)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["type"], str) and body["type"]
    return body


# --- Routing and HTTP -----------------------------------------------------------------------


def test_an_unknown_route_answers_a_404_problem(client: APIClient) -> None:
    response = client.get("/no/such/route/")

    body = problem_of(response, 404)
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No resource is served at this URL.",
    }


def test_a_wrong_method_on_a_drf_view_answers_405_with_allow(client: APIClient) -> None:
    response = client.get("/test/orders/")

    body = problem_of(response, 405)
    assert body["type"] == "about:blank"
    assert body["title"] == "Method Not Allowed"
    assert body["detail"] == 'Method "GET" not allowed.'
    assert response["Allow"] == "POST, OPTIONS"


def test_a_wrong_method_on_a_plain_django_view_answers_405_with_allow(client: APIClient) -> None:
    response = client.delete("/test/plain/")

    body = problem_of(response, 405)
    assert body["title"] == "Method Not Allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_malformed_json_answers_a_400_problem(client: APIClient) -> None:
    response = client.post("/test/orders/", data='{"lines": [', content_type="application/json")

    body = problem_of(response, 400)
    assert body["type"] == "about:blank"
    assert body["title"] == "Bad Request"
    assert body["detail"].startswith("JSON parse error")


def test_a_body_that_is_not_json_answers_a_415_problem(client: APIClient) -> None:
    response = client.post("/test/orders/", data="lines=1", content_type="text/plain")

    body = problem_of(response, 415)
    assert body["title"] == "Unsupported Media Type"
    assert body["detail"] == 'Unsupported media type "text/plain" in request.'


def test_an_unacceptable_accept_header_answers_a_406_problem(client: APIClient) -> None:
    response = client.post("/test/orders/", data={}, format="json", HTTP_ACCEPT="text/csv")

    body = problem_of(response, 406)
    assert body["title"] == "Not Acceptable"


# --- Oversized bodies -----------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_an_oversized_json_body_on_a_drf_view_answers_a_413_problem(client: APIClient) -> None:
    payload = json.dumps({"tags": ["x" * 200]})

    response = client.post("/test/orders/", data=payload, content_type="application/json")

    body = problem_of(response, 413)
    assert body == {
        "type": "about:blank",
        "title": "Content Too Large",
        "status": 413,
        "detail": "The request body is larger than the limit of 100 bytes.",
    }


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_an_oversized_form_body_outside_drf_answers_a_413_problem(client: APIClient) -> None:
    response = client.post(
        "/test/plain-body/",
        data="field=" + "x" * 200,
        content_type="application/x-www-form-urlencoded",
    )

    problem_of(response, 413)


def test_a_body_too_big_for_django_answers_413_even_without_the_middleware(
    caplog: pytest.LogCaptureFixture,
) -> None:
    without_middleware = [m for m in settings.MIDDLEWARE if not m.endswith("ProblemMiddleware")]

    with override_settings(MIDDLEWARE=without_middleware, DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        # A client made here loads the middleware above.
        response = Client().post(
            "/test/plain-body/", data="x" * 200, content_type="application/octet-stream"
        )

    problem_of(response, 413)
    # Django itself raised RequestDataTooBig when the view read request.body.
    assert any(r.name == "django.security.RequestDataTooBig" for r in caplog.records)


def test_request_data_too_big_raised_inside_a_drf_view_becomes_a_413_problem() -> None:
    response = problems.problem_exception_handler(RequestDataTooBig("too big"), {})

    assert response is not None
    problem_of(response, 413)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_body_within_the_limit_is_served(client: APIClient) -> None:
    payload = {"lines": [{"sku": "A", "quantity": 1}], "address": {"street": "s", "postcode": "1"}}

    response = client.post("/test/orders/", data=payload, format="json")

    assert response.status_code == 201


# --- Authentication, permissions, throttling ------------------------------------------------


def test_a_missing_token_answers_401_with_www_authenticate(client: APIClient) -> None:
    response = client.get("/test/private/")

    body = problem_of(response, 401)
    assert body["title"] == "Unauthorized"
    assert body["detail"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_garbage_token_answers_401_with_www_authenticate(client: APIClient) -> None:
    response = client.get("/test/private/", HTTP_AUTHORIZATION="Bearer not-a-jwt")

    body = problem_of(response, 401)
    assert body["type"] == "about:blank"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_throttling_answers_429_with_retry_after(client: APIClient) -> None:
    cache.clear()
    client.get("/test/throttled/")

    response = client.get("/test/throttled/")

    body = problem_of(response, 429)
    assert body["title"] == "Too Many Requests"
    assert body["detail"].startswith("Request was throttled.")
    assert 0 < int(response["Retry-After"]) <= 60


def test_django_http404_inside_a_drf_view_answers_a_404_problem(client: APIClient) -> None:
    response = client.get("/test/missing/")

    body = problem_of(response, 404)
    assert body["detail"] == "No widget 7."


def test_django_permission_denied_inside_a_drf_view_answers_a_403_problem(
    client: APIClient,
) -> None:
    response = client.get("/test/forbidden/")

    body = problem_of(response, 403)
    assert body["title"] == "Forbidden"
    assert body["detail"] == "Widgets are for staff."


def test_a_failed_csrf_check_in_the_admin_answers_an_html_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"CSRF verification failed" in response.content


def test_a_failed_csrf_check_outside_the_admin_answers_a_403_problem() -> None:
    request = RequestFactory().post("/api/orders/")

    body = problem_of(problems.csrf_failure(request, "Origin checking failed."), 403)
    assert body["detail"] == "CSRF verification failed. Origin checking failed."


@pytest.mark.django_db
def test_a_staff_member_without_permissions_gets_an_html_403_page_in_the_admin(
    client: Client,
) -> None:
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/admin/identity/user/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_errors_under_the_admin_are_html_pages_and_everywhere_else_problems() -> None:
    factory = RequestFactory()

    for path in ("/admin/", "/admin/identity/user/1/change/"):
        request = factory.get(path)
        for response in (
            problems.permission_denied(request, Exception("x")),
            problems.not_found(request, Exception("x")),
            problems.bad_request(request, Exception("x")),
        ):
            assert response["Content-Type"].startswith("text/html"), path
    for path in ("/", "/api/orders/", "/nothing-here/", "/administrator/"):
        assert problems.answers_html(factory.get(path)) is False, path


# --- Validation -----------------------------------------------------------------------------


def test_a_nested_validation_failure_names_each_field_by_its_path(client: APIClient) -> None:
    payload = {
        "lines": [{"sku": "A", "quantity": 1}, {"quantity": 0}],
        "address": {"street": "Main 1", "postcode": "1234567"},
        "tags": ["ok", "toolong"],
    }

    response = client.post("/test/orders/", data=payload, format="json")

    body = problem_of(response, 400)
    assert body["type"] == "/problems/validation-error"
    assert body["title"] == "Invalid request"
    assert body["detail"] == "The request has 4 invalid values; see errors."
    assert body["errors"] == [
        {"field": "lines[1].sku", "message": "This field is required.", "code": "required"},
        {
            "field": "lines[1].quantity",
            "message": "Ensure this value is greater than or equal to 1.",
            "code": "min_value",
        },
        {
            "field": "address.postcode",
            "message": "Ensure this field has no more than 5 characters.",
            "code": "max_length",
        },
        {
            "field": "tags[1]",
            "message": "Ensure this field has no more than 3 characters.",
            "code": "max_length",
        },
    ]


def test_a_serializer_level_error_is_reported_under_non_field_errors(client: APIClient) -> None:
    payload = {
        "lines": [{"sku": "A", "quantity": 1}],
        "address": {"street": "s", "postcode": "1"},
        "tags": ["no"],
    }

    response = client.post("/test/orders/", data=payload, format="json")

    body = problem_of(response, 400)
    assert body["errors"] == [
        {
            "field": "non_field_errors",
            "message": "An order tagged 'no' is refused.",
            "code": "invalid",
        }
    ]


def test_an_empty_nested_list_is_reported_under_the_list_field(client: APIClient) -> None:
    payload = {"lines": [], "address": {"street": "s", "postcode": "1"}}

    response = client.post("/test/orders/", data=payload, format="json")

    body = problem_of(response, 400)
    assert body["errors"] == [
        {"field": "lines", "message": "This list may not be empty.", "code": "empty"}
    ]


def test_validation_found_past_the_serializer_reports_the_same_paths(client: APIClient) -> None:
    response = client.post("/test/domain-validation/", data={}, format="json")

    body = problem_of(response, 400)
    assert body["type"] == "/problems/validation-error"
    assert body["errors"] == [
        {"field": "lines[1].sku", "message": "No product has sku 'X'.", "code": "unknown_sku"},
        {"field": "non_field_errors", "message": "The basket is empty.", "code": "empty"},
    ]


def test_a_django_validation_error_inside_a_drf_view_is_a_validation_problem(
    client: APIClient,
) -> None:
    response = client.post("/test/model-validation/", data={}, format="json")

    body = problem_of(response, 400)
    assert body["errors"] == [
        {"field": "price", "message": "Ensure this value is positive.", "code": "invalid"}
    ]


def test_validation_errors_flatten_dict_and_list_keys_into_paths() -> None:
    detail = {
        "attributes": {"colour": [ErrorDetail("Unknown colour.", code="invalid_choice")]},
        "lines": {0: {"non_field_errors": [ErrorDetail("Bad line.", code="bad")]}},
    }

    errors = problems.validation_errors(detail)

    assert errors == [
        {"field": "attributes.colour", "message": "Unknown colour.", "code": "invalid_choice"},
        {"field": "lines[0]", "message": "Bad line.", "code": "bad"},
    ]


# --- Problems of a type of their own --------------------------------------------------------


def test_a_problem_error_keeps_its_type_title_and_extension_members(client: APIClient) -> None:
    response = client.post("/test/conflict/", data={}, format="json")

    body = problem_of(response, 409)
    assert body == {
        "type": "/problems/out-of-stock",
        "title": "Out of stock",
        "status": 409,
        "detail": "Only 2 of SKU-1 are left.",
        "sku": "SKU-1",
    }


# --- Unexpected exceptions ------------------------------------------------------------------


def test_an_unexpected_exception_answers_a_500_problem_without_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test/crash/")

    body = problem_of(response, 500)
    assert body["type"] == "about:blank"
    assert body["title"] == "Internal Server Error"
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert "X-Correlation-ID" in body["detail"]
    assert response["X-Correlation-ID"]


def test_an_unexpected_exception_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        client.get("/test/crash/")

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


def test_django_error_handlers_answer_problems_for_each_status() -> None:
    request = RequestFactory().get("/")

    answers = {
        400: problems.bad_request(request, Exception("x")),
        403: problems.permission_denied(request, Exception("x")),
        404: problems.not_found(request, Exception("x")),
        413: problems.bad_request(request, RequestDataTooBig("x")),
        500: problems.server_error(request),
    }

    for status, response in answers.items():
        assert problem_of(response, status)["type"] == "about:blank"
