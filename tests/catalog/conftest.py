"""Clients for the catalog tests. Principals are built from nothing: no identity table is read,
just as the stateless authentication reads none."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from modulith.http.authentication import Role, TokenPrincipal


def client_with_roles(*roles: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=TokenPrincipal(id=uuid.uuid4(), roles=frozenset(roles)))
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_client() -> APIClient:
    return client_with_roles(Role.STAFF)


@pytest.fixture
def customer_client() -> APIClient:
    return client_with_roles(Role.CUSTOMER)
