"""Fixtures for the identity tests: JWT keys in a temporary directory, fast hashing, no throttle
state carried from one test to the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.identity.keys import JwtKeys, write_keys


@pytest.fixture(scope="session")
def jwt_keys(tmp_path_factory: pytest.TempPathFactory) -> JwtKeys:
    directory: Path = tmp_path_factory.mktemp("jwt-keys")
    return write_keys(directory)


@pytest.fixture(autouse=True)
def _jwt_key_settings(settings: Settings, jwt_keys: JwtKeys) -> None:
    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_FILE = str(jwt_keys.current_private_file)
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = [str(jwt_keys.previous_public_file)]
    settings.JWT_JWKS_URL = ""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Throttle counters live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
