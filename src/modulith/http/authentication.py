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

import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
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

from modulith.http.keys import (
    ALGORITHM,
    KeyMaterial,
    KeySettings,
    KeySetUnreachable,
    SigningKey,
    jwk_set_of,
    load_key_material,
    published_key,
)

USER_ID_CLAIM = "sub"
ROLES_CLAIM = "roles"
# Tolerated clock skew between the issuer and a verifying service (PyJWT rejects a future `iat`).
LEEWAY = timedelta(seconds=5)


class Role(StrEnum):
    """Values of the `roles` claim. Staff accounts are back office only: they are not customers."""

    CUSTOMER = "customer"
    STAFF = "staff"


# --- Key material -------------------------------------------------------------------------------

ACCESS_TOKEN_KEYS = KeySettings(
    pem="JWT_PRIVATE_KEY", file="JWT_PRIVATE_KEY_FILE", public_files="JWT_PREVIOUS_PUBLIC_KEY_FILES"
)


def key_material() -> KeyMaterial:
    """The configured access-token keys, parsed once per configuration."""
    return load_key_material(ACCESS_TOKEN_KEYS)


def signing_key() -> SigningKey:
    signing = key_material().signing
    if signing is None:
        raise ImproperlyConfigured(
            "No JWT signing key: set JWT_PRIVATE_KEY (PEM text) or point JWT_PRIVATE_KEY_FILE at a "
            "PEM file. In development, `manage.py ensure_dev_keys` creates one."
        )
    return signing


def jwk_set() -> dict[str, list[dict[str, str]]]:
    """Every local verification key as a JWK Set (RFC 7517), the current key first."""
    return jwk_set_of(key_material())


class KeySetUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The keys that verify access tokens cannot be fetched; try again shortly.")
    default_code = "jwks_unavailable"


def verification_key(kid: str) -> RSAPublicKey | None:
    """The public key named `kid`: a local one, else one from JWT_JWKS_URL; None if unknown."""
    key = key_material().verifying.get(kid)
    if key is not None:
        return key
    url = getattr(settings, "JWT_JWKS_URL", "")
    if not url:
        return None
    try:
        return published_key(url, kid)
    except KeySetUnreachable as error:
        # Answering 401 would make clients throw away valid tokens because our network failed.
        raise KeySetUnavailable() from error


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
            claims: dict[str, Any] = jwt.decode(
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
        if float(claims["exp"]) - float(claims["iat"]) > max_lifetime_seconds(claims):
            # Signed with a real key but valid for longer than we ever issue: a leaked key's
            # (or an issuer bug's) token must not stay usable for a century.
            raise TokenBackendError(_("Token lifetime exceeds the maximum"))
        return claims


def max_lifetime_seconds(claims: dict[str, Any]) -> float:
    """The longest `exp - iat` accepted: the configured lifetime of the token's type, plus LEEWAY.

    Refresh tokens may live JWT_REFRESH_TOKEN_LIFETIME; every other token (access tokens, and
    tokens of no known type) JWT_ACCESS_TOKEN_LIFETIME.
    """
    name = (
        "JWT_REFRESH_TOKEN_LIFETIME"
        if claims.get("token_type") == "refresh"
        else "JWT_ACCESS_TOKEN_LIFETIME"
    )
    default = timedelta(days=7) if name == "JWT_REFRESH_TOKEN_LIFETIME" else timedelta(minutes=10)
    lifetime: timedelta = getattr(settings, name, default)
    return (lifetime + LEEWAY).total_seconds()


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


@dataclass(frozen=True)
class Verified:
    """A token that passed every check, and the principal it names (both immutable)."""

    token: StatelessAccessToken
    principal: TokenPrincipal


class VerifiedTokens:
    """Access tokens this process verified, kept until they expire with the principal they
    name: a client sends the same token with every request for its lifetime, and verifying it
    again each time (two base64url parses, an RSA signature check, the claims, the principal
    built from them) was a tenth of a read request's CPU.

    The key is the token's exact bytes, so only a token identical to one that passed every
    check is taken from here, and only while it has not expired (with the same leeway) and the
    configured keys are the ones that verified it: a replaced key file or a changed setting
    makes every entry miss. Tokens verified with keys fetched from JWT_JWKS_URL are not kept, so
    a key withdrawn there stops its tokens as soon as the key set is fetched again.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._entries: dict[bytes, tuple[KeyMaterial, float, Verified]] = {}

    def get(self, raw: bytes) -> Verified | None:
        entry = self._entries.get(raw)
        if entry is None:
            return None
        material, expires, verified = entry
        if material is not key_material() or time.time() >= expires:
            self._entries.pop(raw, None)
            return None
        return verified

    def put(self, raw: bytes, verified: Verified) -> None:
        if getattr(settings, "JWT_JWKS_URL", ""):
            return
        exp = verified.token.payload.get("exp")
        if not isinstance(exp, int | float):
            return
        if len(self._entries) >= self.MAX_ENTRIES:
            # Dropping them all is crude but cheap; each is verified again on its next use.
            self._entries.clear()
        self._entries[raw] = (key_material(), exp + LEEWAY.total_seconds(), verified)


verified_tokens = VerifiedTokens()


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
        verified = self._verified(parts[1])
        return verified.principal, verified.token

    def authenticate_header(self, request: Request) -> str:
        # Without it DRF would answer 403 instead of 401.
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def _verified(self, raw_token: bytes) -> Verified:
        verified = verified_tokens.get(raw_token)
        if verified is not None:
            return verified
        try:
            # simplejwt annotates the raw token as a Token, but decodes bytes and str.
            token = StatelessAccessToken(raw_token)  # type: ignore[arg-type]
        except TokenError as error:
            # Also a refresh token presented here: its token_type is not "access".
            raise AuthenticationFailed(str(error.args[0]), code="token_not_valid") from error
        # Only a token that names a valid principal is kept: a malformed one is refused again
        # each time, as before.
        verified = Verified(token=token, principal=self._principal(token))
        verified_tokens.put(raw_token, verified)
        return verified

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
