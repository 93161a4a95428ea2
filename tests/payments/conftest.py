"""Fixtures for the payments tests: principals instead of real tokens, a fast provider timeout,
and a circuit breaker that starts closed in every test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from contexts.payments.providers import reset_breaker
from modulith.http.authentication import Role, TokenPrincipal

MakePrincipal = Callable[..., TokenPrincipal]
ClientFor = Callable[[TokenPrincipal], APIClient]


@pytest.fixture(autouse=True)
def _fast_provider(settings: Settings) -> Iterator[None]:
    # tok_unavailable hangs past the timeout: keep it short so tests stay quick. Without
    # REDIS_URL the breaker lives in memory; Redis tests build their own breakers.
    settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS = 0.2
    settings.PAYMENTS_FAKE_LATENCY_MS = 0
    settings.PAYMENTS_BREAKER_FAIL_MAX = 5
    settings.PAYMENTS_BREAKER_RESET_SECONDS = 30
    settings.REDIS_URL = ""
    reset_breaker()
    yield
    reset_breaker()


@pytest.fixture
def make_principal() -> MakePrincipal:
    def make(*roles: str, id: uuid.UUID | None = None) -> TokenPrincipal:
        return TokenPrincipal(id=id or uuid.uuid4(), roles=frozenset(roles or {Role.CUSTOMER}))

    return make


@pytest.fixture
def customer(make_principal: MakePrincipal) -> TokenPrincipal:
    return make_principal(Role.CUSTOMER)


@pytest.fixture
def staff(make_principal: MakePrincipal) -> TokenPrincipal:
    return make_principal(Role.STAFF)


@pytest.fixture
def client_for() -> ClientFor:
    """An API client authenticated as `principal`, the way StatelessJWTAuthentication would."""

    def make(principal: TokenPrincipal) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=principal)
        return client

    return make
