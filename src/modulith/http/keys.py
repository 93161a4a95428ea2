"""RSA key material named by settings: a signing key, the public keys that verify, as JWKs.

Two kinds of keys use it: identity's access-token keys (modulith.http.authentication, JWT_*
settings) and each service's own key for service-to-service calls (modulith.remote.credentials,
SERVICE_* settings). Both follow the same shape:

    <PREFIX>_PRIVATE_KEY          PEM text of the private key (wins over the file)
    <PREFIX>_PRIVATE_KEY_FILE     the same key as a file
    <list setting>                other public keys (PEM files) that still verify or are published

A key is named by its RFC 7638 thumbprint (the `kid`), which any party can recompute from the
public key alone, so no registry of key ids is needed anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
MINIMUM_KEY_BITS = 2048
DEVELOPMENT_KEY_BITS = 2048
# Production keys: longer-lived than a development one, so a little stronger.
PRODUCTION_KEY_BITS = 3072


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
class KeySettings:
    """The names of the three settings that configure one kind of key."""

    pem: str  # e.g. "JWT_PRIVATE_KEY"
    file: str  # e.g. "JWT_PRIVATE_KEY_FILE"
    public_files: str  # e.g. "JWT_PREVIOUS_PUBLIC_KEY_FILES"


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


def load_key_material(names: KeySettings, *, private_file: str | None = None) -> KeyMaterial:
    """The keys the settings `names` configure, parsed once per configuration (parsing RSA keys
    costs milliseconds). `private_file` replaces the file setting (a computed default path)."""
    pem = getattr(settings, names.pem, "") or ""
    file = private_file if private_file is not None else getattr(settings, names.file, "") or ""
    public_files = getattr(settings, names.public_files, ()) or ()
    return _parse_key_material(
        names,
        pem,
        _FileVersion.of(file) if file else None,
        tuple(_FileVersion.of(path) for path in public_files),
    )


@lru_cache(maxsize=16)
def _parse_key_material(
    names: KeySettings,
    private_pem: str,
    private_file: _FileVersion | None,
    public_files: tuple[_FileVersion, ...],
) -> KeyMaterial:
    signing: SigningKey | None = None
    if private_pem:
        signing = _signing_key(_unescape_newlines(private_pem).encode(), names.pem)
    elif private_file is not None and private_file.mtime_ns is not None:
        data = Path(private_file.path).read_bytes()
        signing = _signing_key(data, f"{names.file} ({private_file.path})")

    verifying: dict[str, RSAPublicKey] = {}
    if signing is not None:
        verifying[signing.kid] = signing.private_key.public_key()
    for file in public_files:
        source = f"{names.public_files} ({file.path})"
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


def jwk_set_of(material: KeyMaterial) -> dict[str, list[dict[str, str]]]:
    """The verification keys of `material` as a JWK Set (RFC 7517), the current key first."""
    return {"keys": [public_jwk(key) for key in material.verifying.values()]}


# --- Keys another party publishes -------------------------------------------------------------

# A verifier must never wait on the party whose token it verifies: that party may be waiting on
# the verifier (service A's request threads call B while B would fetch A's key set from A; with
# every thread of A busy, both stall until a timeout). So a process fetches its peers' key sets
# when it starts (prefetch_key_sets), a background thread refreshes them, and a request thread
# uses whatever set was last fetched, however old: a peer that is slow or down never delays the
# verification of a key it already published. Only a kid that is not in the set (a key just
# rotated in) or a set never fetched makes a request thread fetch, for a bounded time, and at most
# once per cooldown per set, so tokens with made-up kids cannot turn a verifier into a flood of
# requests against the publisher.
KEY_SET_TIMEOUT_SECONDS = 3.0
# How often the background thread fetches each set again (a removed key stops verifying then),
# and how soon it tries again after a failed fetch.
KEY_SET_REFRESH_SECONDS = 60.0
KEY_SET_RETRY_SECONDS = 2.0
KEY_SET_REFRESH_COOLDOWN_SECONDS = 5


class KeySetUnreachable(Exception):
    """The JWK Set could not be fetched (network, timeout, an answer that is not a key set)."""


class _PublishedKeySet:
    """One publisher's JWK Set as this process last fetched it. One thread fetches at a time;
    the others wait for it for a bounded time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.keys: dict[str, RSAPublicKey] | None = None  # None: never fetched
        self.error = ""
        self.fetched_at = -math.inf  # monotonic times
        self.attempted_at = -math.inf
        self._fetching = False
        self._changed = threading.Condition()

    def due(self, now: float) -> bool:
        wait = KEY_SET_REFRESH_SECONDS if self.keys is not None else KEY_SET_RETRY_SECONDS
        last = self.fetched_at if self.error == "" else self.attempted_at
        return now - last >= wait

    def refresh(self, *, timeout: float = KEY_SET_TIMEOUT_SECONDS) -> None:
        """Fetch the set, or wait (at most `timeout`) for the fetch another thread is making."""
        with self._changed:
            if self._fetching:
                self._changed.wait_for(lambda: not self._fetching, timeout=timeout)
                return
            self._fetching = True
            self.attempted_at = time.monotonic()
        keys, error = None, "the fetch did not finish"
        try:
            keys, error = _fetch_key_set(self.url, timeout=timeout), ""
        except KeySetUnreachable as unreachable:
            error = str(unreachable)
        finally:
            with self._changed:
                if keys is not None:
                    self.keys, self.fetched_at = keys, time.monotonic()
                self.error = error
                self._fetching = False
                self._changed.notify_all()


def _fetch_key_set(url: str, *, timeout: float) -> dict[str, RSAPublicKey]:
    client = jwt.PyJWKClient(url, cache_jwk_set=False, cache_keys=False, timeout=int(timeout) or 1)
    try:
        found = jwt.PyJWKSet.from_dict(client.fetch_data())
    except (jwt.PyJWKClientConnectionError, OSError) as error:
        raise KeySetUnreachable(f"{url}: {error}") from error
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, jwt.PyJWKError, ValueError) as error:
        raise KeySetUnreachable(f"{url}: not a JWK Set ({error})") from error
    return {
        key.key_id: key.key
        for key in found.keys
        if key.key_id and isinstance(key.key, RSAPublicKey)
    }


class _KeySetRegistry:
    """Every key set this process verifies with, and the daemon thread that keeps them fresh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, _PublishedKeySet] = {}
        self._wake = threading.Event()
        self._thread_pid = 0  # the thread does not survive a fork: each process starts its own

    def of(self, url: str) -> _PublishedKeySet:
        with self._lock:
            found = self._sets.get(url)
            if found is None:
                found = self._sets[url] = _PublishedKeySet(url)
            if self._thread_pid != os.getpid():
                self._thread_pid = os.getpid()
                threading.Thread(target=self._keep_fresh, name="key-sets", daemon=True).start()
            return found

    def forget(self) -> None:
        with self._lock:
            self._sets.clear()

    def prefetch(self, urls: list[str], *, wait: float) -> None:
        sets = [self.of(url) for url in urls]
        self._wake.set()
        deadline = time.monotonic() + wait
        for each in sets:
            while each.keys is None and each.error == "" and time.monotonic() < deadline:
                time.sleep(0.05)

    def _keep_fresh(self) -> None:
        while True:
            with self._lock:
                sets = list(self._sets.values())
            now = time.monotonic()
            for each in sets:
                if each.due(now):
                    try:
                        each.refresh()
                    except Exception:  # the thread must outlive any one failure
                        logger.exception("Refreshing the key set at %s failed", each.url)
            self._wake.wait(timeout=KEY_SET_RETRY_SECONDS)
            self._wake.clear()


_published = _KeySetRegistry()


def prefetch_key_sets(urls: list[str], *, wait: float = KEY_SET_TIMEOUT_SECONDS) -> None:
    """Fetch these key sets now, in the background, and keep them fresh from then on; wait up to
    `wait` for the first fetches (a process about to serve). A publisher not up yet is retried
    every few seconds, so processes may start in any order."""
    _published.prefetch(urls, wait=wait)


def published_key(url: str, kid: str) -> RSAPublicKey | None:
    """The RSA key named `kid` in the JWK Set at `url`; None when the set has no such key.
    Raises KeySetUnreachable when the set has never been fetched and cannot be now."""
    published = _published.of(url)
    keys = published.keys
    if keys is not None and kid in keys:
        return keys[kid]
    # Never fetched (the publisher was not up yet): try now. An unknown kid in a set this
    # process holds: try again at most once per cooldown.
    cooled = time.monotonic() - published.attempted_at >= KEY_SET_REFRESH_COOLDOWN_SECONDS
    if keys is None or cooled:
        published.refresh()
    if published.keys is None:
        raise KeySetUnreachable(published.error or f"{url}: not fetched yet")
    return published.keys.get(kid)


def forget_published_keys() -> None:
    """Drop every fetched JWK Set (tests; a process picks up new keys by itself otherwise)."""
    _published.forget()


# --- Development keys ---------------------------------------------------------------------------


def create_development_key(path: Path) -> bool:
    """Write a new RSA private key to `path` (and its public half beside it), unless the file
    exists. True if this call created it. Safe when several processes race to create it: exactly
    one wins, and the others read its key."""
    return create_key_pair(path, bits=DEVELOPMENT_KEY_BITS)


def create_key_pair(path: Path, *, bits: int) -> bool:
    """A new RSA key of `bits` bits: the private key at `path` (readable by its owner only), the
    public half at public_key_path(path). False, and nothing written, if `path` exists."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _create_exclusively(path, private_pem):
        return False
    # The public half, to hand to other parties or keep among the previous keys while rotating.
    _create_exclusively(public_key_path(path), public_pem)
    return True


def public_key_path(private_path: Path) -> Path:
    if "private" in private_path.name:
        return private_path.with_name(private_path.name.replace("private", "public"))
    return private_path.with_name(f"{private_path.stem}.public.pem")


def _create_exclusively(path: Path, data: bytes) -> bool:
    """Write `path` whole or not at all; False if it already exists (another process won)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as file:  # mkstemp creates it readable by us only
            file.write(data)
        try:
            os.link(temporary, path)  # atomic, and fails if the name is taken
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)
