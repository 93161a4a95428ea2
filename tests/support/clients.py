"""API clients authenticated as a principal built from nothing.

No identity table is read, just as the stateless JWT authentication reads none: the contexts'
REST tests need a principal's id and roles, not a user row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from rest_framework.test import APIClient

from modulith.http.authentication import Role, TokenPrincipal

ClientFor = Callable[[TokenPrincipal], APIClient]
MakePrincipal = Callable[..., TokenPrincipal]


def make_principal(*roles: str, id: uuid.UUID | None = None) -> TokenPrincipal:
    """A principal with `roles` (a customer when none are given) and a fresh id unless given."""
    return TokenPrincipal(id=id or uuid.uuid4(), roles=frozenset(roles or {Role.CUSTOMER}))


def client_for(principal: TokenPrincipal) -> APIClient:
    """An API client authenticated as `principal`, as StatelessJWTAuthentication would do."""
    client = APIClient()
    client.force_authenticate(user=principal)
    return client


def client_with_roles(*roles: str) -> APIClient:
    return client_for(make_principal(*roles))
