"""The credential of one service calling another's internal api: a short-lived service token.

Every service has an RSA key pair of its own, shared by its processes (web, workers, relay) and
by no other service. A caller signs a token with it:

    header  {"alg": "RS256", "kid": <thumbprint of the caller's key>}
    claims  {"iss": "<calling service>", "sub": "<calling service>", "aud": "<called service>",
             "token_type": "service", "iat", "exp" (5 minutes), "jti"}

and publishes its public keys as a JWK Set at /.well-known/service-jwks.json. The called service
reads `iss` and verifies the signature with the key the `kid` names in that service's JWK Set,
then `aud` (itself) and the expiry. Every web process fetches its peers' sets (from where the
topology says they are reached, or SERVICE_KEY_SET_URLS) when it starts, and keeps them fresh in
the background (prefetch_peer_key_sets, called by config.wsgi): verifying a peer's call never
waits on that peer, which may itself be waiting on this service. An unknown kid fetches the set
again at once (bounded and rate limited), which is what makes rotation work without
coordination. No service holds another's private key, and
identity's key signs user tokens only. docs/decisions/0013-service-credentials.md weighs the
alternatives and describes rotation.

Keys come from settings (modulith.http.keys):

    SERVICE_PRIVATE_KEY / SERVICE_PRIVATE_KEY_FILE   this service's signing key (PEM); in
        development (DEBUG) a missing file is generated at var/keys/service-<service>-private.pem
    SERVICE_PUBLIC_KEY_FILES   other public keys this service publishes: the next key before it
        signs with it, the previous one until the tokens it signed have expired
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from modulith.http.authentication import LEEWAY, KeySetUnavailable
from modulith.http.keys import (
    ALGORITHM,
    KeyMaterial,
    KeySettings,
    KeySetUnreachable,
    SigningKey,
    create_development_key,
    jwk_set_of,
    load_key_material,
    prefetch_key_sets,
    published_key,
)
from modulith.remote.settings import key_set_url, this_service
from modulith.settings import modulith_setting

SERVICE_KEYS = KeySettings(
    pem="SERVICE_PRIVATE_KEY",
    file="SERVICE_PRIVATE_KEY_FILE",
    public_files="SERVICE_PUBLIC_KEY_FILES",
)
TOKEN_TYPE = "service"
# Short, so a token caught in a log is soon worthless; renewed well before it runs out so that
# clock skew between the two processes never rejects one.
TOKEN_LIFETIME = timedelta(minutes=5)
RENEW_AFTER_SECONDS = 3 * 60
REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "aud", "jti"]


# --- This service's keys ------------------------------------------------------------------------


def service_key_material() -> KeyMaterial:
    """This service's signing key and the public keys it publishes. In development a missing
    key file is created (each service gets its own under var/keys/)."""
    private_file = _private_key_file()
    material = load_key_material(SERVICE_KEYS, private_file=private_file)
    if material.signing is None and settings.DEBUG and private_file:
        create_development_key(Path(private_file))
        material = load_key_material(SERVICE_KEYS, private_file=private_file)
    return material


def _private_key_file() -> str:
    configured = getattr(settings, "SERVICE_PRIVATE_KEY_FILE", "") or ""
    if configured or not settings.DEBUG:
        return str(configured)
    keys_dir = getattr(settings, "SERVICE_DEVELOPMENT_KEYS_DIR", "") or ""
    return str(Path(keys_dir) / f"service-{this_service()}-private.pem") if keys_dir else ""


def service_signing_key() -> SigningKey:
    signing = service_key_material().signing
    if signing is None:
        raise ImproperlyConfigured(
            f"Service {this_service()!r} has no key to sign its calls to other services: set "
            "SERVICE_PRIVATE_KEY (PEM text) or SERVICE_PRIVATE_KEY_FILE to an RSA private key of "
            "at least 2048 bits that only this service's processes hold (development generates "
            "one when DEBUG is on)."
        )
    return signing


def service_jwk_set() -> dict[str, list[dict[str, str]]]:
    """What /.well-known/service-jwks.json publishes: the signing key's public half first."""
    return jwk_set_of(service_key_material())


# --- The calling side ---------------------------------------------------------------------------

_lock = threading.Lock()
# audience -> (kid of the signing key, monotonic time it was minted, "Bearer <token>")
_minted: dict[str, tuple[str, float, str]] = {}


def service_authorization(audience: str) -> str:
    """The Authorization header value for a call to service `audience`'s internal api.

    Minted once per audience and reused until it is a few minutes old (signing costs about a
    millisecond), and again at once when the signing key changes. Raises ImproperlyConfigured
    when this service has no key.
    """
    signing = service_signing_key()
    with _lock:
        now = time.monotonic()
        current = _minted.get(audience)
        if current is None or current[0] != signing.kid or now - current[1] > RENEW_AFTER_SECONDS:
            current = (signing.kid, now, f"Bearer {_mint(signing, audience)}")
            _minted[audience] = current
        return current[2]


def _mint(signing: SigningKey, audience: str) -> str:
    issued = int(time.time())
    service = this_service()
    claims = {
        "iss": service,
        "sub": service,
        "aud": audience,
        "token_type": TOKEN_TYPE,
        "iat": issued,
        "exp": issued + int(TOKEN_LIFETIME.total_seconds()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims, signing.private_key, algorithm=ALGORITHM, headers={"kid": signing.kid}
    )


# --- The serving side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServicePrincipal:
    """Another service of the shop, as its verified token says. request.user on internal calls."""

    name: str

    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_staff: ClassVar[bool] = False

    @property
    def pk(self) -> str:
        return self.name

    def has_role(self, role: str) -> bool:
        return False  # a service is nobody's customer or staff

    def __str__(self) -> str:
        return f"service {self.name}"


class ServiceTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <service token>` verified with the calling service's JWK Set."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[ServicePrincipal, dict[str, Any]] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise _refused("The Authorization header must be 'Bearer <service token>'.")
        claims = verify_service_token(parts[1].decode("latin-1"))
        return ServicePrincipal(name=str(claims["iss"])), claims

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="internal"'


def verify_service_token(raw: str) -> dict[str, Any]:
    """The claims of a valid service token addressed to this service; AuthenticationFailed
    otherwise, KeySetUnavailable when the caller's keys cannot be fetched."""
    try:
        header = jwt.get_unverified_header(raw)
        unverified = jwt.decode(raw, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise _refused("The service token is malformed.") from error
    # The algorithm is fixed before any key is chosen: no "none", no HS256 keyed with a public key.
    if header.get("alg") != ALGORITHM:
        raise _refused("Service tokens are RS256.")
    issuer, kid = unverified.get("iss"), header.get("kid")
    if unverified.get("token_type") != TOKEN_TYPE or not isinstance(issuer, str):
        raise _refused("This route needs a service token, not a user's access token.")
    if not isinstance(kid, str):
        raise _refused("The service token names no key (kid).")
    key = _issuer_key(issuer, kid)
    try:
        claims: dict[str, Any] = jwt.decode(
            raw,
            key,
            algorithms=[ALGORITHM],
            audience=this_service(),
            issuer=issuer,
            leeway=LEEWAY,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise _refused("The service token has expired.") from error
    except jwt.InvalidAudienceError as error:
        raise _refused(f"The service token is not addressed to service {this_service()!r}.") from (
            error
        )
    except jwt.InvalidTokenError as error:
        raise _refused(f"The service token is invalid: {error}.") from error
    if claims["sub"] != issuer:
        raise _refused("A service token's subject is the service that signed it.")
    return claims


def _issuer_key(issuer: str, kid: str) -> RSAPublicKey:
    if issuer == this_service():
        # Another process of this very service (e.g. a worker): the keys are this service's own.
        key = service_key_material().verifying.get(kid)
    else:
        url = key_set_url(issuer)
        if url is None:
            raise _refused(f"No service {issuer!r} is known to this deployment.")
        try:
            key = published_key(url, kid)
        except KeySetUnreachable as error:
            raise KeySetUnavailable() from error
    if key is None:
        raise _refused(f"The service token is signed by a key service {issuer!r} does not publish.")
    return key


def peer_key_set_urls() -> list[str]:
    """The key sets this service verifies calls with: every other service's of the deployment,
    and identity's access-token keys when they are fetched (JWT_JWKS_URL)."""
    me = this_service()
    peers = {*modulith_setting("SERVICE_URLS", {}), *modulith_setting("SERVICE_KEY_SETS", {})}
    urls = [url for peer in sorted(peers - {me}) if (url := key_set_url(peer))]
    user_keys = getattr(settings, "JWT_JWKS_URL", "")
    return [*urls, user_keys] if user_keys else urls


def prefetch_peer_key_sets() -> None:
    """Fetch the peers' key sets before this process serves (waiting a few seconds at most: a
    peer not up yet is fetched in the background as soon as it answers)."""
    urls = peer_key_set_urls()
    if urls:
        prefetch_key_sets(urls)


def _refused(detail: str) -> AuthenticationFailed:
    return AuthenticationFailed(detail, code="service_token_not_valid")


class IsService(BasePermission):
    message = "This route is for the shop's own services: it needs a service token."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, ServicePrincipal)
