"""Stateless JWT authentication for every context.

Access tokens are RS256 JWTs issued by the identity context. Their `kid` header names the key that
signed them: the RFC 7638 thumbprint of its public key. Verification trusts the token's claims and
never queries the database, so a context authenticates requests the same way once it runs as its
own service.

Keys come from Django settings only, read at call time (tests override them):

    JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_FILE   the signing key (PEM); its public half verifies too
    JWT_PREVIOUS_PUBLIC_KEY_FILES            retired public keys still accepted while keys rotate
    JWT_JWKS_URL                             a JWK Set to fetch other keys from (extracted services)

To rotate: sign with the new private key and list the old public key in
JWT_PREVIOUS_PUBLIC_KEY_FILES for one refresh-token lifetime (7 days), since refresh tokens are
verified with the same keys. /.well-known/jwks.json publishes both meanwhile.

Claims of an access token: `sub` (the user's UUID), `roles`, `token_type`, `jti`, `exp`, `iat`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException, AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)
from rest_framework_simplejwt.tokens import AccessToken, Token

ALGORITHM = "RS256"
USER_ID_CLAIM = "sub"
ROLES_CLAIM = "roles"
MINIMUM_KEY_BITS = 2048
# An extracted service must not hang on the JWK Set, nor fetch it for every request.
JWKS_TIMEOUT_SECONDS = 3.0
JWKS_CACHE_SECONDS = 300
# Tolerated clock skew between the issuer and a verifying service (PyJWT rejects a future `iat`).
LEEWAY = timedelta(seconds=5)


class Role(StrEnum):
    """Values of the `roles` claim. Staff accounts are back office only: they are not customers."""

    CUSTOMER = "customer"
    STAFF = "staff"


# --- Key material -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: RSAPrivateKey


@dataclass(frozen=True)
class KeyMaterial:
    signing: SigningKey | None
    # Public keys by kid, the current signing key's first.
    verifying: dict[str, RSAPublicKey]


@dataclass(frozen=True)
class _FileVersion:
    """A key file and its modification time: part of the cache key, so a replaced file is reread."""

    path: str
    mtime_ns: int | None

    @classmethod
    def of(cls, path: str) -> _FileVersion:
        try:
            return cls(path, os.stat(path).st_mtime_ns)
        except (FileNotFoundError, NotADirectoryError):
            return cls(path, None)


def key_material() -> KeyMaterial:
    """The configured keys, parsed once per configuration (parsing RSA keys costs milliseconds)."""
    private_file = getattr(settings, "JWT_PRIVATE_KEY_FILE", "") or ""
    previous_files = getattr(settings, "JWT_PREVIOUS_PUBLIC_KEY_FILES", ()) or ()
    return _parse_key_material(
        getattr(settings, "JWT_PRIVATE_KEY", "") or "",
        _FileVersion.of(private_file) if private_file else None,
        tuple(_FileVersion.of(path) for path in previous_files),
    )


@lru_cache(maxsize=8)
def _parse_key_material(
    private_pem: str, private_file: _FileVersion | None, previous_files: tuple[_FileVersion, ...]
) -> KeyMaterial:
    signing: SigningKey | None = None
    if private_pem:
        signing = _signing_key(_unescape_newlines(private_pem).encode(), "JWT_PRIVATE_KEY")
    elif private_file is not None and private_file.mtime_ns is not None:
        data = Path(private_file.path).read_bytes()
        signing = _signing_key(data, f"JWT_PRIVATE_KEY_FILE ({private_file.path})")

    verifying: dict[str, RSAPublicKey] = {}
    if signing is not None:
        verifying[signing.kid] = signing.private_key.public_key()
    for file in previous_files:
        source = f"JWT_PREVIOUS_PUBLIC_KEY_FILES ({file.path})"
        if file.mtime_ns is None:
            raise ImproperlyConfigured(f"{source} does not exist: fix the path or remove it.")
        public_key = _public_key(Path(file.path).read_bytes(), source)
        verifying.setdefault(jwk_thumbprint(public_key), public_key)
    return KeyMaterial(signing=signing, verifying=verifying)


def _unescape_newlines(pem: str) -> str:
    # Environment variables often carry a PEM on one line with literal "\n"; base64 has no "\".
    return pem.replace("\\n", "\n")


def _signing_key(data: bytes, source: str) -> SigningKey:
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(
            f"{source} is not an unencrypted PEM private key: {error}"
        ) from error
    if not isinstance(key, RSAPrivateKey) or key.key_size < MINIMUM_KEY_BITS:
        raise ImproperlyConfigured(
            f"{source} must be an RSA key of at least {MINIMUM_KEY_BITS} bits."
        )
    return SigningKey(kid=jwk_thumbprint(key.public_key()), private_key=key)


def _public_key(data: bytes, source: str) -> RSAPublicKey:
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(f"{source} is not a PEM public key: {error}") from error
    if not isinstance(key, RSAPublicKey):
        raise ImproperlyConfigured(f"{source} must be an RSA public key.")
    return key


def signing_key() -> SigningKey:
    signing = key_material().signing
    if signing is None:
        raise ImproperlyConfigured(
            "No JWT signing key: set JWT_PRIVATE_KEY (PEM text) or point JWT_PRIVATE_KEY_FILE at a "
            "PEM file. In development, `manage.py ensure_dev_keys` creates one."
        )
    return signing


# --- JSON Web Keys ------------------------------------------------------------------------------


def _base64url_uint(value: int) -> str:
    return _base64url(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(public_key: RSAPublicKey) -> str:
    """The RFC 7638 SHA-256 thumbprint: a kid that any party can recompute from the key itself."""
    numbers = public_key.public_numbers()
    # Only the required members, in lexicographic order, without whitespace (RFC 7638 section 3).
    members = {"e": _base64url_uint(numbers.e), "kty": "RSA", "n": _base64url_uint(numbers.n)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _base64url(hashlib.sha256(canonical.encode("ascii")).digest())


def public_jwk(public_key: RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": ALGORITHM,
        "kid": jwk_thumbprint(public_key),
        "n": _base64url_uint(numbers.n),
        "e": _base64url_uint(numbers.e),
    }


def jwk_set() -> dict[str, list[dict[str, str]]]:
    """Every local verification key as a JWK Set (RFC 7517), the current key first."""
    return {"keys": [public_jwk(key) for key in key_material().verifying.values()]}


class KeySetUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The keys that verify access tokens cannot be fetched; try again shortly.")
    default_code = "jwks_unavailable"


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(
        url, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS
    )


def verification_key(kid: str) -> RSAPublicKey | None:
    """The public key named `kid`: a local one, else one from JWT_JWKS_URL; None if unknown."""
    key = key_material().verifying.get(kid)
    if key is not None:
        return key
    url = getattr(settings, "JWT_JWKS_URL", "")
    if not url:
        return None
    try:
        found = _jwks_client(url).get_signing_key(kid).key
    except jwt.PyJWKClientConnectionError as error:
        # Answering 401 would make clients throw away valid tokens because our network failed.
        raise KeySetUnavailable() from error
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, jwt.PyJWKError):
        return None
    return found if isinstance(found, RSAPublicKey) else None


# --- Signing and verifying with simplejwt -------------------------------------------------------


class KeySetTokenBackend(TokenBackend):
    """simplejwt's token backend over the key set: signs with the current key and a `kid` header,
    verifies with the key that `kid` names. simplejwt's own backend knows one key and no kid."""

    def __init__(self) -> None:
        super().__init__(ALGORITHM, leeway=LEEWAY)

    def encode(self, payload: dict[str, Any]) -> str:
        signing = signing_key()
        return jwt.encode(
            payload, signing.private_key, algorithm=ALGORITHM, headers={"kid": signing.kid}
        )

    def decode(self, token: Token | str | bytes, verify: bool = True) -> dict[str, Any]:
        if not verify:
            # Nothing needs unverified claims; refusing them keeps a forged token from slipping by.
            raise TokenBackendError(_("Unverified tokens are not accepted"))
        raw = token if isinstance(token, str | bytes) else str(token)
        try:
            header = jwt.get_unverified_header(raw)
        except jwt.InvalidTokenError as error:
            raise TokenBackendError(_("Token is invalid")) from error
        # Decide on the algorithm before choosing a key: this is what stops "alg": "none" and an
        # HS256 token whose secret is our public key.
        if header.get("alg") != ALGORITHM:
            raise TokenBackendError(_("Invalid algorithm specified"))
        kid = header.get("kid")
        key = verification_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenBackendError(_("Token is signed by an unknown key"))
        try:
            return jwt.decode(
                raw,
                key,
                algorithms=[ALGORITHM],
                leeway=self.get_leeway(),
                options={"require": ["exp", "iat", "jti", USER_ID_CLAIM]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenBackendExpiredToken(_("Token is expired")) from error
        except jwt.InvalidTokenError as error:
            raise TokenBackendError(_("Token is invalid")) from error


token_backend = KeySetTokenBackend()


class StatelessAccessToken(AccessToken):
    """An access token signed and verified through the key set. Checking one touches no database:
    unlike refresh tokens, access tokens are not blacklisted, they expire."""

    _token_backend = token_backend


# --- DRF authentication -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPrincipal:
    """Who sent the request, as its access token says. No database row stands behind it."""

    id: UUID
    roles: frozenset[str]

    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
    is_active: ClassVar[bool] = True

    @property
    def pk(self) -> UUID:
        # Throttles and logging identify users by pk.
        return self.id

    @property
    def is_staff(self) -> bool:
        return Role.STAFF in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __str__(self) -> str:
        return f"user {self.id}"


class StatelessJWTAuthentication(BaseAuthentication):
    """`Authorization: Bearer <access token>` verified against the configured public keys."""

    keyword = b"bearer"
    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[TokenPrincipal, StatelessAccessToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # not ours: anonymous, or another scheme
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("The Authorization header must be 'Bearer <token>'."),
                code="bad_authorization_header",
            )
        token = self._validated(parts[1])
        return self._principal(token), token

    def authenticate_header(self, request: Request) -> str:
        # Without it DRF would answer 403 instead of 401.
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def _validated(self, raw_token: bytes) -> StatelessAccessToken:
        try:
            # simplejwt annotates the raw token as a Token, but decodes bytes and str.
            return StatelessAccessToken(raw_token)  # type: ignore[arg-type]
        except TokenError as error:
            # Also a refresh token presented here: its token_type is not "access".
            raise AuthenticationFailed(str(error.args[0]), code="token_not_valid") from error

    def _principal(self, token: StatelessAccessToken) -> TokenPrincipal:
        try:
            user_id = UUID(str(token[USER_ID_CLAIM]))
        except (KeyError, ValueError) as error:
            raise AuthenticationFailed(
                _("Token has no valid user id"), code="token_not_valid"
            ) from error
        roles = token.get(ROLES_CLAIM, [])
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise AuthenticationFailed(_("Token has malformed roles"), code="token_not_valid")
        return TokenPrincipal(id=user_id, roles=frozenset(roles))


def request_principal(request: Request) -> TokenPrincipal:
    """The authenticated principal of a request behind IsAuthenticated (typed for views)."""
    user = request.user
    if not isinstance(user, TokenPrincipal):
        raise AuthenticationFailed(_("Authentication by access token is required."))
    return user


class StatelessJWTScheme(OpenApiAuthenticationExtension):
    """Shows StatelessJWTAuthentication in the OpenAPI schema as an HTTP bearer JWT scheme."""

    target_class = StatelessJWTAuthentication
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition = build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION", token_prefix="Bearer", bearer_format="JWT"
        )
        definition["description"] = (
            "RS256 access token from POST /api/identity/token/; verify it with the keys at "
            "/.well-known/jwks.json."
        )
        return definition
