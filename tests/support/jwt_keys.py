"""RSA keys and hand-made JWTs for tests: nothing here reads var/keys."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from modulith.http.keys import jwk_thumbprint


def generate_key(bits: int = 2048) -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def read_private_key(path: Path) -> RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, RSAPrivateKey)
    return key


def private_pem(key: RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def kid_of(key: RSAPrivateKey) -> str:
    return jwk_thumbprint(key.public_key())


@dataclass(frozen=True)
class JwtKeys:
    """The signing key, a retired key still accepted, and a key nobody trusts."""

    current: RSAPrivateKey
    previous: RSAPrivateKey
    stranger: RSAPrivateKey
    current_private_file: Path
    previous_public_file: Path


def write_keys(directory: Path) -> JwtKeys:
    current, previous, stranger = generate_key(), generate_key(), generate_key()
    current_private_file = directory / "current-private.pem"
    current_private_file.write_bytes(private_pem(current))
    previous_public_file = directory / "previous-public.pem"
    previous_public_file.write_bytes(public_pem(previous))
    return JwtKeys(current, previous, stranger, current_private_file, previous_public_file)


# --- Hand-made tokens, to present what an attacker or a broken issuer would -------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def access_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "token_type": "access",
        "sub": str(uuid.uuid4()),
        "roles": ["customer"],
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def service_claims(issuer: str, audience: str, **overrides: Any) -> dict[str, Any]:
    """The claims of a service token (modulith.remote.credentials) from `issuer` to `audience`."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": issuer,
        "aud": audience,
        "token_type": "service",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 300,
    }
    claims.update(overrides)
    return claims


def compact(header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode('ascii')))}"


def rs256(key: RSAPrivateKey) -> Callable[[bytes], bytes]:
    return lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def signed(claims: dict[str, Any], key: RSAPrivateKey, *, kid: str | None = None) -> str:
    """An RS256 token signed by `key`, its header naming `kid` (by default the key's own)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": kid if kid is not None else kid_of(key)}
    return compact(header, claims, rs256(key))
