"""Bearer tokens for tests of any context, signed with the test session's key (tests/conftest.py).

def test_customer_sees_own_orders(api_client, bearer):
    api_client.credentials(HTTP_AUTHORIZATION=bearer(customer_id))
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from tests.support.jwt_keys import JwtKeys, access_claims, signed

BearerFactory = Callable[..., str]


def bearer_factory(keys: JwtKeys) -> BearerFactory:
    def bearer(user_id: uuid.UUID | None = None, *, roles: Iterable[str] = ("customer",)) -> str:
        claims = access_claims(sub=str(user_id or uuid.uuid4()), roles=list(roles))
        return f"Bearer {signed(claims, keys.current)}"

    return bearer
