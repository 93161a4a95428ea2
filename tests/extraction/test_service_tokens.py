"""Service tokens checked in this process (no database, no network): what a called service
refuses before it looks at the arguments. The calls between separate services, over HTTP, are
in test_service_credentials.py."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings
from rest_framework.exceptions import AuthenticationFailed

from modulith.http.authentication import KeySetUnavailable
from modulith.http.keys import jwk_thumbprint
from modulith.remote.credentials import (
    service_authorization,
    service_jwk_set,
    service_signing_key,
    verify_service_token,
)
from modulith.remote.settings import this_service
from tests.extraction.listeners import unused_url
from tests.support.jwt_keys import (
    JwtKeys,
    access_claims,
    generate_key,
    kid_of,
    read_private_key,
    service_claims,
    signed,
)

# This test process's service: SHOP_SERVICE (the monolith's only service when unset).
ME = this_service()


@pytest.fixture
def own_key(service_key_file: Path) -> str:
    """The kid of the key this (test) service signs with."""
    return service_signing_key().kid


def token_of(authorization: str) -> str:
    return authorization.removeprefix("Bearer ")


def test_a_token_this_service_minted_for_itself_verifies() -> None:
    claims = verify_service_token(token_of(service_authorization(ME)))

    assert (claims["iss"], claims["sub"], claims["aud"]) == (ME, ME, ME)
    assert claims["token_type"] == "service"
    assert claims["exp"] - claims["iat"] == 300


def test_the_token_is_reused_per_audience_and_differs_between_audiences() -> None:
    assert service_authorization("catalog") == service_authorization("catalog")
    assert service_authorization("catalog") != service_authorization("payments")


def test_the_published_key_set_holds_the_signing_key_first(own_key: str) -> None:
    published = service_jwk_set()["keys"]

    assert published[0]["kid"] == own_key
    assert {"kty": "RSA", "alg": "RS256", "use": "sig"}.items() <= published[0].items()
    assert "d" not in published[0]  # the public half only


def test_a_token_for_another_service_is_refused() -> None:
    with pytest.raises(AuthenticationFailed, match=f"not addressed to service '{ME}'"):
        verify_service_token(token_of(service_authorization("payments")))


def test_an_expired_token_is_refused(service_key_file: Path) -> None:
    key = read_private_key(service_key_file)
    expired = signed(service_claims(ME, ME, iat=1_000, exp=1_300), key)

    with pytest.raises(AuthenticationFailed, match="expired"):
        verify_service_token(expired)


def test_a_subject_other_than_the_issuer_is_refused(service_key_file: Path) -> None:
    key = read_private_key(service_key_file)

    with pytest.raises(AuthenticationFailed, match="subject"):
        verify_service_token(signed(service_claims(ME, ME, sub="catalog"), key))


@pytest.mark.parametrize("missing", ["exp", "iat", "aud", "jti"])
def test_a_token_without_a_required_claim_is_refused(service_key_file: Path, missing: str) -> None:
    claims = service_claims(ME, ME)
    del claims[missing]

    with pytest.raises(AuthenticationFailed):
        verify_service_token(signed(claims, read_private_key(service_key_file)))


def test_a_users_access_token_is_refused_even_when_signed_by_a_trusted_key(
    jwt_keys: JwtKeys,
) -> None:
    with pytest.raises(AuthenticationFailed, match="not a user's access token"):
        verify_service_token(signed(access_claims(roles=["staff"]), jwt_keys.current))


def test_an_hs256_token_keyed_with_the_public_key_is_refused(service_key_file: Path) -> None:
    public = read_private_key(service_key_file).public_key()
    forged = jwt.encode(
        service_claims(ME, ME),
        jwk_thumbprint(public),  # any secret: the algorithm is refused before the key matters
        algorithm="HS256",
        headers={"kid": jwk_thumbprint(public)},
    )

    with pytest.raises(AuthenticationFailed, match="RS256"):
        verify_service_token(forged)


def test_an_issuer_the_deployment_does_not_know_is_refused() -> None:
    stranger = generate_key()

    with pytest.raises(AuthenticationFailed, match="No service 'stranger' is known"):
        verify_service_token(signed(service_claims("stranger", ME), stranger))


def test_an_unreachable_key_set_is_a_503_not_a_401(settings: Settings) -> None:
    settings.MODULITH = {
        **settings.MODULITH,
        "SERVICE_KEY_SETS": {"orders": f"{unused_url()}/.well-known/service-jwks.json"},
    }
    orders_key = generate_key()

    with pytest.raises(KeySetUnavailable):
        verify_service_token(signed(service_claims("orders", ME), orders_key))


def test_without_a_key_outside_development_signing_fails_saying_what_to_set(
    settings: Settings, tmp_path: Path
) -> None:
    settings.DEBUG = False
    settings.SERVICE_PRIVATE_KEY_FILE = str(tmp_path / "absent.pem")

    with pytest.raises(ImproperlyConfigured, match="SERVICE_PRIVATE_KEY_FILE"):
        service_authorization("catalog")


def test_in_development_each_service_gets_a_key_of_its_own_under_the_keys_directory(
    settings: Settings, tmp_path: Path
) -> None:
    settings.DEBUG = True
    settings.SERVICE_PRIVATE_KEY_FILE = ""
    settings.SERVICE_DEVELOPMENT_KEYS_DIR = str(tmp_path)
    kids = {}
    for service in ("orders", "catalog"):
        settings.MODULITH = {**settings.MODULITH, "SERVICE": service}
        kids[service] = service_signing_key().kid

    assert (tmp_path / "service-orders-private.pem").exists()
    assert (tmp_path / "service-catalog-public.pem").exists()
    assert kids["orders"] != kids["catalog"]
    assert kid_of(read_private_key(tmp_path / "service-orders-private.pem")) == kids["orders"]
