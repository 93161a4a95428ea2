"""StatelessJWTAuthentication as any context sees it: test-only views, no identity endpoints.

The access tokens here are made by hand, as an attacker or a misbehaving issuer would make them.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.urls import path
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from modulith.http.authentication import request_principal
from modulith.http.keys import public_jwk
from modulith.http.permissions import IsCustomer, IsStaff
from tests.support.jwt_keys import (
    JwtKeys,
    access_claims,
    compact,
    generate_key,
    kid_of,
    public_pem,
    rs256,
    signed,
)
from tests.support.problems import assert_unauthorized, problem_of


class WhoAmIView(APIView):
    def get(self, request: Request) -> Response:
        principal = request_principal(request)
        return Response(
            {
                "id": str(principal.id),
                "roles": sorted(principal.roles),
                "is_staff": principal.is_staff,
            }
        )


class StaffOnlyView(APIView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        return Response({})


class CustomerOnlyView(APIView):
    permission_classes = [IsCustomer]

    def get(self, request: Request) -> Response:
        return Response({})


@cache
def remote_issuer_key() -> RSAPrivateKey:
    """The key of an identity service running elsewhere, known here only through its JWK Set."""
    return generate_key()


class RemoteJWKSetView(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"keys": [public_jwk(remote_issuer_key().public_key())]})


urlpatterns = [
    path("whoami/", WhoAmIView.as_view()),
    path("staff-only/", StaffOnlyView.as_view()),
    path("customer-only/", CustomerOnlyView.as_view()),
    path("remote-jwks.json", RemoteJWKSetView.as_view()),
]

pytestmark = pytest.mark.urls(__name__)


def get_whoami(client: APIClient, token: str, path: str = "/whoami/") -> Any:
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_valid_access_token_authenticates_its_subject_with_its_roles(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    user_id = uuid.uuid4()
    token = signed(access_claims(sub=str(user_id), roles=["staff"]), jwt_keys.current)

    response = get_whoami(api_client, token)

    assert response.status_code == 200
    assert response.json() == {"id": str(user_id), "roles": ["staff"], "is_staff": True}


@pytest.mark.django_db
def test_authenticating_a_request_runs_no_database_query(
    api_client: APIClient, jwt_keys: JwtKeys, django_assert_num_queries: Any
) -> None:
    token = signed(access_claims(), jwt_keys.current)
    get_whoami(api_client, token)  # warm up: parse the keys once

    with django_assert_num_queries(0):
        response = get_whoami(api_client, token)

    assert response.status_code == 200


def test_a_token_signed_with_a_previous_key_is_still_accepted_while_keys_rotate(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(), jwt_keys.previous)

    response = get_whoami(api_client, token)

    assert response.status_code == 200


def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(
    api_client: APIClient,
) -> None:
    response = api_client.get("/whoami/")

    assert_unauthorized(response)


def test_an_expired_token_is_refused(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    an_hour_ago = int(time.time()) - 3600
    token = signed(access_claims(iat=an_hour_ago - 600, exp=an_hour_ago), jwt_keys.current)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_token_whose_payload_was_tampered_with_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    genuine = signed(access_claims(roles=["customer"]), jwt_keys.current)
    promoted = compact({}, access_claims(roles=["staff"]), lambda data: b"").split(".")[1]
    header, _, signature = genuine.split(".")
    tampered = ".".join([header, promoted, signature])

    response = get_whoami(api_client, tampered)

    assert_unauthorized(response)


def test_a_token_with_algorithm_none_is_refused(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    header = {"alg": "none", "typ": "JWT", "kid": kid_of(jwt_keys.current)}
    token = compact(header, access_claims(), lambda data: b"")

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_an_hs256_token_using_the_public_key_as_secret_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    secret = public_pem(jwt_keys.current)
    header = {"alg": "HS256", "typ": "JWT", "kid": kid_of(jwt_keys.current)}
    token = compact(
        header, access_claims(), lambda data: hmac.new(secret, data, hashlib.sha256).digest()
    )

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_token_naming_an_unknown_kid_is_refused(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    token = signed(access_claims(), jwt_keys.current, kid="unknown-key")

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_token_without_a_kid_is_refused(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    header = {"alg": "RS256", "typ": "JWT"}
    token = compact(header, access_claims(), rs256(jwt_keys.current))

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_token_signed_by_another_key_pair_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(), jwt_keys.stranger, kid=kid_of(jwt_keys.current))

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_token_signed_by_another_key_pair_under_its_own_kid_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(), jwt_keys.stranger)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_a_refresh_token_presented_as_an_access_token_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(token_type="refresh"), jwt_keys.current)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


@pytest.mark.parametrize("missing", ["exp", "iat", "jti", "sub", "token_type"])
def test_a_token_missing_a_required_claim_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys, missing: str
) -> None:
    claims = access_claims()
    del claims[missing]
    token = signed(claims, jwt_keys.current)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


@pytest.mark.parametrize(
    "claims",
    [{"sub": "not-a-uuid"}, {"roles": "staff"}, {"roles": [1]}],
    ids=["subject-not-a-uuid", "roles-not-a-list", "roles-not-strings"],
)
def test_a_token_with_malformed_claims_is_refused(
    api_client: APIClient, jwt_keys: JwtKeys, claims: dict[str, Any]
) -> None:
    token = signed(access_claims(**claims), jwt_keys.current)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


@pytest.mark.parametrize("header", ["Bearer", "Bearer one two"])
def test_a_malformed_authorization_header_is_refused(api_client: APIClient, header: str) -> None:
    response = api_client.get("/whoami/", HTTP_AUTHORIZATION=header)

    assert_unauthorized(response)


def test_garbage_in_place_of_a_token_is_refused(api_client: APIClient) -> None:
    response = get_whoami(api_client, "not.a.jwt")

    assert_unauthorized(response)


def test_staff_only_views_admit_staff(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    token = signed(access_claims(roles=["staff"]), jwt_keys.current)

    response = get_whoami(api_client, token, "/staff-only/")

    assert response.status_code == 200


def test_staff_only_views_forbid_customers(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    token = signed(access_claims(roles=["customer"]), jwt_keys.current)

    response = get_whoami(api_client, token, "/staff-only/")

    problem_of(response, 403)


def test_customer_only_views_forbid_staff(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    token = signed(access_claims(roles=["staff"]), jwt_keys.current)

    response = get_whoami(api_client, token, "/customer-only/")

    problem_of(response, 403)


def test_role_protected_views_ask_anonymous_clients_to_authenticate(api_client: APIClient) -> None:
    response = api_client.get("/customer-only/")

    assert_unauthorized(response)


# --- An extracted service: no key files, only the issuer's JWK Set URL ---------------------------


@pytest.fixture
def extracted_service(settings: Settings, live_server: LiveServer) -> None:
    settings.JWT_PRIVATE_KEY_FILE = ""
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = []
    settings.JWT_JWKS_URL = f"{live_server.url}/remote-jwks.json"


@pytest.mark.usefixtures("extracted_service")
def test_an_extracted_service_verifies_tokens_with_keys_fetched_from_the_jwks_url(
    api_client: APIClient,
) -> None:
    token = signed(access_claims(roles=["customer"]), remote_issuer_key())

    response = get_whoami(api_client, token)

    assert response.status_code == 200


@pytest.mark.usefixtures("extracted_service")
def test_an_extracted_service_refuses_a_kid_its_jwks_url_does_not_publish(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(), jwt_keys.stranger)

    response = get_whoami(api_client, token)

    assert_unauthorized(response)


def test_an_unreachable_jwks_url_answers_503_rather_than_blaming_the_token(
    api_client: APIClient, settings: Settings, jwt_keys: JwtKeys
) -> None:
    settings.JWT_JWKS_URL = "http://127.0.0.1:9/jwks.json"  # the discard port: nothing listens
    token = signed(access_claims(), jwt_keys.stranger)

    response = get_whoami(api_client, token)

    problem_of(response, 503)


# --- Tokens verified once per process ---------------------------------------------------------


def test_a_token_verified_once_is_answered_from_the_verified_tokens(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    from modulith.http.authentication import verified_tokens

    token = signed(access_claims(), jwt_keys.current)

    first = get_whoami(api_client, token)

    cached = verified_tokens.get(token.encode())
    assert cached is not None
    assert get_whoami(api_client, token).json() == first.json()
    assert verified_tokens.get(token.encode()) is cached


def test_a_verified_token_keeps_its_principal_and_a_malformed_one_is_not_kept(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    from modulith.http.authentication import verified_tokens

    token = signed(access_claims(roles=["staff"]), jwt_keys.current)
    malformed = signed(access_claims(sub="not-a-uuid"), jwt_keys.current)

    assert get_whoami(api_client, token).status_code == 200
    assert_unauthorized(get_whoami(api_client, malformed))

    kept = verified_tokens.get(token.encode())
    assert kept is not None
    assert (str(kept.principal.id), kept.principal.roles) == (
        kept.token["sub"],
        frozenset({"staff"}),
    )
    assert verified_tokens.get(malformed.encode()) is None
    assert_unauthorized(get_whoami(api_client, malformed))


def test_a_verified_token_is_refused_once_it_expired(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    # Expired 3 s ago: accepted within the 5 s leeway, for two seconds more.
    expired = int(time.time()) - 3
    token = signed(access_claims(exp=expired, iat=expired - 60), jwt_keys.current)
    assert get_whoami(api_client, token).status_code == 200

    time.sleep(max(0.0, expired + 5.05 - time.time()))

    assert_unauthorized(get_whoami(api_client, token))


def test_a_verified_token_is_verified_again_once_the_keys_changed(
    api_client: APIClient, jwt_keys: JwtKeys, settings: Settings
) -> None:
    token = signed(access_claims(), jwt_keys.previous)
    assert get_whoami(api_client, token).status_code == 200

    # The previous key is no longer accepted: the token it signed must be refused at once.
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = []

    assert_unauthorized(get_whoami(api_client, token))
