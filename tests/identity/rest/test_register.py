"""POST /api/identity/register/"""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from contexts.identity.events import UserRegistered
from contexts.identity.models import User
from contexts.identity.rest.views import EMAIL_PATTERN
from modulith.testing import capture_events
from tests.identity.factories import UserFactory
from tests.support.problems import field_errors, problem_of

pytestmark = pytest.mark.django_db

URL = "/api/identity/register/"


def registration(**overrides: str) -> dict[str, str]:
    return {
        "email": "grace@example.com",
        "password": "compiler-Cobol-1959",
        "name": "Grace",
    } | overrides


def test_registering_creates_the_account_and_answers_it_without_tokens(
    api_client: APIClient,
) -> None:
    response = api_client.post(URL, registration(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "name", "date_joined"}
    user = User.objects.get(id=body["id"])
    assert (user.email, user.name, user.is_staff) == ("grace@example.com", "Grace", False)
    assert user.check_password("compiler-Cobol-1959")


def test_registering_publishes_user_registered(api_client: APIClient) -> None:
    with capture_events() as captured:
        response = api_client.post(URL, registration(), format="json")

    [event] = captured.of_type(UserRegistered)
    assert str(event.user_id) == response.json()["id"]
    assert (event.email, event.name) == ("grace@example.com", "Grace")


def test_an_address_registered_in_another_letter_case_is_a_conflict(
    api_client: APIClient,
) -> None:
    UserFactory(email="grace@example.com")

    response = api_client.post(URL, registration(email="GRACE@Example.com"), format="json")

    body = problem_of(response, 409)
    assert body["type"] == "/problems/email-taken"
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "email", ["not-an-address", "0@0.a", "grace@example.com\n", " grace@example.com", "a..b@c.de"]
)
def test_an_invalid_address_is_a_field_error_on_email(api_client: APIClient, email: str) -> None:
    # Exactly what the schema's pattern refuses: JSON Schema's looser "email" format is not used.
    assert not re.search(EMAIL_PATTERN, email)

    response = api_client.post(URL, registration(email=email), format="json")

    body = problem_of(response, 400)
    assert "email" in field_errors(body)


@pytest.mark.parametrize("password", ["short1A", "12345678901"], ids=["too-short", "all-digits"])
def test_a_password_the_schema_refuses_is_a_field_error_on_password(
    api_client: APIClient, password: str
) -> None:
    response = api_client.post(URL, registration(password=password), format="json")

    body = problem_of(response, 400)
    assert "password" in field_errors(body)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password", ["password123", "grace@example.com"], ids=["too-common", "like-the-address"]
)
def test_a_password_only_the_policy_refuses_is_unprocessable(
    api_client: APIClient, password: str
) -> None:
    # The schema allows it (8 characters, not all digits); the server's password list does not.
    response = api_client.post(URL, registration(password=password), format="json")

    body = problem_of(response, 422)
    assert body["type"] == "/problems/unprocessable-input"
    assert "password" in field_errors(body)
    assert not User.objects.exists()


def test_missing_fields_are_field_errors(api_client: APIClient) -> None:
    response = api_client.post(URL, {}, format="json")

    body = problem_of(response, 400)
    assert set(field_errors(body)) == {"email", "password", "name"}


def test_malformed_json_is_a_bad_request(api_client: APIClient) -> None:
    response = api_client.post(URL, '{"email": "grace@', content_type="application/json")

    problem_of(response, 400)


def test_registering_needs_no_credentials_even_if_a_stale_token_is_sent(
    api_client: APIClient,
) -> None:
    response = api_client.post(
        URL, registration(), format="json", HTTP_AUTHORIZATION="Bearer expired.or.garbage"
    )

    assert response.status_code == 201
