"""Fixtures of the extraction drills: contexts pointed at other processes by settings alone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from pytest_django.fixtures import Settings

from modulith.remote.breakers import reset_breakers
from modulith.remote.settings import this_service
from tests.extraction.server import serve_shop, service_env
from tests.support import services
from tests.support.jwt_keys import JwtKeys
from tests.support.workers import database_url

# A Redis database of the drills' own, so no other suite's breaker keys meet theirs.
EXTRACTION_REDIS_URL = os.environ.get("EXTRACTION_REDIS_URL", "redis://127.0.0.1:6379/11")

Remotes = Callable[..., None]


@pytest.fixture(autouse=True)
def _closed_remote_breakers() -> Iterator[None]:
    # Breakers are shared state: no test may inherit an open one.
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def modulith_settings(settings: Settings) -> Callable[..., None]:
    """modulith_settings(REMOTE_BREAKER_FAIL_MAX=2, ...) changes keys of settings.MODULITH for
    the test (a new dict each time: the old one is restored afterwards)."""

    def change(**keys: Any) -> None:
        settings.MODULITH = {**settings.MODULITH, **keys}

    return change


@pytest.fixture
def remotes(modulith_settings: Callable[..., None]) -> Remotes:
    """remotes(catalog=url, ...): the remote api URLs for the test, as a topology derives them. The
    other process is another process of this (test) service, so calls are addressed to it."""

    def point(**urls: str) -> None:
        modulith_settings(
            CONTEXT_REMOTES=urls, CONTEXT_SERVICES=dict.fromkeys(urls, this_service())
        )

    return point


@pytest.fixture
def breaker_redis_url() -> str:
    return services.require(EXTRACTION_REDIS_URL, 6379, "Redis")


@pytest.fixture(scope="module")
def extracted_service(
    django_db_setup: None, django_db_blocker: Any, jwt_keys: JwtKeys, service_key_file: Path
) -> Iterator[str]:
    """The base URL of another process serving every context (every context local there) from
    the test database, verifying tokens with the session's keys. It is another process of the
    test process's own service, so it holds the same service key. Started once per
    module; it sees what tests commit, so the tests that use it are transactional."""
    with django_db_blocker.unblock():
        database = database_url(connections["default"].settings_dict)
    env = service_env(
        DATABASE_URL=database,
        JWT_PRIVATE_KEY_FILE=str(jwt_keys.current_private_file),
        JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        SERVICE_PRIVATE_KEY_FILE=str(service_key_file),
    )
    with serve_shop(env) as base_url:
        yield base_url
