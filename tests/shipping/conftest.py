"""Fixtures for the shipping tests: principals instead of real tokens."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from modulith.http.authentication import Role, TokenPrincipal

MakePrincipal = Callable[..., TokenPrincipal]
ClientFor = Callable[[TokenPrincipal], APIClient]


@pytest.fixture
def make_principal() -> MakePrincipal:
    def make(*roles: str) -> TokenPrincipal:
        return TokenPrincipal(id=uuid.uuid4(), roles=frozenset(roles or {Role.CUSTOMER}))

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
