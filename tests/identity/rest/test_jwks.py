"""GET /.well-known/jwks.json, and what a service that verifies tokens on its own does with it."""

from __future__ import annotations

import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from tests.identity.factories import PASSWORD, UserFactory
from tests.support.jwt_keys import JwtKeys, kid_of


def test_the_jwk_set_lists_the_current_and_previous_keys_without_authentication(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    response = api_client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert [key["kid"] for key in response.json()["keys"]] == [
        kid_of(jwt_keys.current),
        kid_of(jwt_keys.previous),
    ]
    assert "max-age" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_independent_library_verifies_an_access_token_with_the_jwk_set_fetched_over_http(
    api_client: APIClient, live_server: LiveServer
) -> None:
    user = UserFactory()
    access = api_client.post(
        "/api/identity/token/", {"email": user.email, "password": PASSWORD}, format="json"
    ).json()["access"]

    published = httpx.get(f"{live_server.url}/.well-known/jwks.json", timeout=5).json()
    token = jwt.decode(access, KeySet.import_key_set(published), algorithms=["RS256"])

    claims = jwt.JWTClaimsRegistry(
        now=int(time.time()),
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        sub={"essential": True, "value": str(user.id)},
        token_type={"essential": True, "value": "access"},
        roles={"essential": True, "value": ["customer"]},
    )
    claims.validate(token.claims)
    assert token.header["kid"] in {key["kid"] for key in published["keys"]}
