"""Unit tests (no database): loading keys, naming them by kid, publishing them as a JWK Set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import KeySet, RSAKey
from pytest_django.fixtures import Settings

from modulith.http.authentication import jwk_set, key_material, signing_key, verification_key
from modulith.http.keys import jwk_thumbprint, public_jwk
from tests.support.jwt_keys import JwtKeys, generate_key, kid_of, private_pem, public_pem


def test_the_kid_is_the_rfc_7638_thumbprint_that_an_independent_library_computes(
    jwt_keys: JwtKeys,
) -> None:
    expected = RSAKey.import_key(public_pem(jwt_keys.current)).thumbprint()

    kid = jwk_thumbprint(jwt_keys.current.public_key())

    assert kid == expected


def test_the_signing_key_is_read_from_the_private_key_file(jwt_keys: JwtKeys) -> None:
    signing = signing_key()

    assert signing.kid == kid_of(jwt_keys.current)


def test_pem_text_in_the_setting_wins_over_the_file(settings: Settings) -> None:
    other = generate_key()
    settings.JWT_PRIVATE_KEY = private_pem(other).decode()

    signing = signing_key()

    assert signing.kid == kid_of(other)


def test_pem_text_with_escaped_newlines_from_a_one_line_environment_variable_loads(
    settings: Settings,
) -> None:
    other = generate_key()
    settings.JWT_PRIVATE_KEY = private_pem(other).decode().replace("\n", "\\n")

    signing = signing_key()

    assert signing.kid == kid_of(other)


def test_verification_keys_are_the_current_key_then_the_previous_ones(jwt_keys: JwtKeys) -> None:
    verifying = key_material().verifying

    assert list(verifying) == [kid_of(jwt_keys.current), kid_of(jwt_keys.previous)]


def test_the_jwk_set_publishes_every_public_key_and_nothing_private(jwt_keys: JwtKeys) -> None:
    published = jwk_set()

    assert [key["kid"] for key in published["keys"]] == [
        kid_of(jwt_keys.current),
        kid_of(jwt_keys.previous),
    ]
    for key in published["keys"]:
        assert set(key) == {"kty", "use", "alg", "kid", "n", "e"}
        assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")


def test_an_independent_library_reads_the_jwk_set_and_finds_the_same_kids(
    jwt_keys: JwtKeys,
) -> None:
    published = jwk_set()

    imported = KeySet.import_key_set(published)  # type: ignore[arg-type]

    assert [key.thumbprint() for key in imported.keys] == [key["kid"] for key in published["keys"]]


def test_a_public_jwk_round_trips_to_the_same_public_key(jwt_keys: JwtKeys) -> None:
    jwk = public_jwk(jwt_keys.current.public_key())

    imported = RSAKey.import_key(dict(jwk))  # type: ignore[arg-type]

    assert imported.as_pem(private=False) == public_pem(jwt_keys.current)


def test_without_any_private_key_signing_is_refused_with_instructions(
    settings: Settings, tmp_path: Path
) -> None:
    settings.JWT_PRIVATE_KEY_FILE = str(tmp_path / "missing.pem")

    with pytest.raises(ImproperlyConfigured, match="ensure_dev_keys"):
        signing_key()


def test_without_a_private_key_the_previous_keys_still_verify(
    settings: Settings, jwt_keys: JwtKeys
) -> None:
    settings.JWT_PRIVATE_KEY_FILE = ""

    material = key_material()

    assert material.signing is None
    assert list(material.verifying) == [kid_of(jwt_keys.previous)]


def test_a_missing_previous_key_file_is_a_configuration_error(
    settings: Settings, tmp_path: Path
) -> None:
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = [str(tmp_path / "gone.pem")]

    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        key_material()


def test_a_key_that_is_not_rsa_is_refused(settings: Settings) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    settings.JWT_PRIVATE_KEY = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()

    with pytest.raises(ImproperlyConfigured, match="RSA key of at least 2048 bits"):
        signing_key()


def test_an_rsa_key_shorter_than_2048_bits_is_refused(settings: Settings) -> None:
    settings.JWT_PRIVATE_KEY = private_pem(generate_key(bits=1024)).decode()

    with pytest.raises(ImproperlyConfigured, match="at least 2048 bits"):
        signing_key()


def test_text_that_is_not_a_pem_key_is_refused(settings: Settings) -> None:
    settings.JWT_PRIVATE_KEY = "not a key"

    with pytest.raises(ImproperlyConfigured, match="not an unencrypted PEM private key"):
        signing_key()


def test_a_key_file_replaced_in_place_is_read_again(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "private.pem"
    first, second = generate_key(), generate_key()
    path.write_bytes(private_pem(first))
    settings.JWT_PRIVATE_KEY_FILE = str(path)
    assert signing_key().kid == kid_of(first)
    path.write_bytes(private_pem(second))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    signing = signing_key()

    assert signing.kid == kid_of(second)


def test_an_unknown_kid_has_no_verification_key_when_no_jwks_url_is_set() -> None:
    key = verification_key("no-such-kid")

    assert key is None
