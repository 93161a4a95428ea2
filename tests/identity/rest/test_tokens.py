"""POST /api/identity/token/, token/refresh/ and logout/."""

from __future__ import annotations

import jwt
import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.identity.factories import PASSWORD, UserFactory
from tests.support.jwt_keys import JwtKeys, kid_of
from tests.support.problems import assert_unauthorized, problem_of

pytestmark = pytest.mark.django_db


def log_in(client: APIClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(
        "/api/identity/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    pair: dict[str, str] = response.json()
    return pair


def test_logging_in_ignores_the_letter_case_of_the_address(api_client: APIClient) -> None:
    UserFactory(email="Linus@example.com")

    response = api_client.post(
        "/api/identity/token/", {"email": "LINUS@EXAMPLE.COM", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_tokens_are_rs256_with_the_kid_of_the_signing_key_and_minimal_claims(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    user = UserFactory()

    pair = log_in(api_client, user.email)

    for token, token_type in ((pair["access"], "access"), (pair["refresh"], "refresh")):
        header = jwt.get_unverified_header(token)
        assert (header["alg"], header["kid"]) == ("RS256", kid_of(jwt_keys.current))
        claims = jwt.decode(token, jwt_keys.current.public_key(), algorithms=["RS256"])
        assert set(claims) == {"sub", "roles", "token_type", "jti", "exp", "iat"}
        assert (claims["sub"], claims["roles"], claims["token_type"]) == (
            str(user.id),
            ["customer"],
            token_type,
        )


def test_the_access_token_lives_ten_minutes_and_the_refresh_token_seven_days(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    user = UserFactory()

    pair = log_in(api_client, user.email)

    access = jwt.decode(pair["access"], jwt_keys.current.public_key(), algorithms=["RS256"])
    refresh = jwt.decode(pair["refresh"], jwt_keys.current.public_key(), algorithms=["RS256"])
    assert access["exp"] - access["iat"] == 10 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600


def test_staff_tokens_carry_the_staff_role(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    staff = UserFactory(is_staff=True)

    pair = log_in(api_client, staff.email)

    claims = jwt.decode(pair["access"], jwt_keys.current.public_key(), algorithms=["RS256"])
    assert claims["roles"] == ["staff"]


def test_a_wrong_password_is_refused(api_client: APIClient) -> None:
    user = UserFactory()

    response = api_client.post(
        "/api/identity/token/", {"email": user.email, "password": "wrong"}, format="json"
    )

    assert_unauthorized(response)


def test_an_unknown_address_is_refused_like_a_wrong_password(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/identity/token/", {"email": "nobody@example.com", "password": PASSWORD}, format="json"
    )

    assert_unauthorized(response)


def test_a_deactivated_account_cannot_log_in(api_client: APIClient) -> None:
    user = UserFactory(is_active=False)

    response = api_client.post(
        "/api/identity/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert_unauthorized(response)


def test_an_access_token_cannot_be_used_to_refresh(api_client: APIClient) -> None:
    pair = log_in(api_client, UserFactory().email)

    response = api_client.post(
        "/api/identity/token/refresh/", {"refresh": pair["access"]}, format="json"
    )

    assert_unauthorized(response)


def test_a_deactivated_account_cannot_refresh(api_client: APIClient) -> None:
    user = UserFactory()
    pair = log_in(api_client, user.email)
    user.is_active = False
    user.save()

    response = api_client.post(
        "/api/identity/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )

    assert_unauthorized(response)


def test_logging_out_twice_with_the_same_token_is_refused_the_second_time(
    api_client: APIClient,
) -> None:
    pair = log_in(api_client, UserFactory().email)
    api_client.post("/api/identity/logout/", {"refresh": pair["refresh"]}, format="json")

    response = api_client.post("/api/identity/logout/", {"refresh": pair["refresh"]}, format="json")

    assert_unauthorized(response)


def test_logging_out_works_with_an_expired_access_token_in_the_header(
    api_client: APIClient,
) -> None:
    pair = log_in(api_client, UserFactory().email)

    response = api_client.post(
        "/api/identity/logout/",
        {"refresh": pair["refresh"]},
        format="json",
        HTTP_AUTHORIZATION="Bearer expired.or.garbage",
    )

    assert response.status_code == 204


def test_too_many_token_requests_are_throttled_with_retry_after(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DRF reads the rates once, at import: patch them where the throttle keeps them.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "3/min")
    for _ in range(3):
        api_client.post(
            "/api/identity/token/", {"email": "x@example.com", "password": "x"}, format="json"
        )

    response = api_client.post(
        "/api/identity/token/", {"email": "x@example.com", "password": "x"}, format="json"
    )

    problem_of(response, 429)
    assert int(response["Retry-After"]) > 0


def test_too_many_registrations_are_throttled_with_retry_after(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "register", "2/min")
    for _ in range(2):
        api_client.post("/api/identity/register/", {}, format="json")

    response = api_client.post("/api/identity/register/", {}, format="json")

    problem_of(response, 429)
    assert int(response["Retry-After"]) > 0
