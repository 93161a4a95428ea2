"""Real access tokens for tests that go through a real HTTP server (no force_authenticate there).

The signing key is made once per test session and handed to the settings the way production
hands it over (JWT_PRIVATE_KEY); no identity table is read or written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_django.fixtures import Settings

from modulith.http.authentication import ROLES_CLAIM, USER_ID_CLAIM, StatelessAccessToken


@lru_cache(maxsize=1)
def signing_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def use_test_signing_key(settings: Settings) -> None:
    settings.JWT_PRIVATE_KEY = signing_key_pem()
    settings.JWT_PRIVATE_KEY_FILE = ""
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = []


def access_token(user_id: uuid.UUID, roles: Iterable[str]) -> str:
    """An access token as identity would issue it (sign with use_test_signing_key first)."""
    token = StatelessAccessToken()
    token[USER_ID_CLAIM] = str(user_id)
    token[ROLES_CLAIM] = sorted(str(role) for role in roles)
    return str(token)
