"""GET /api/identity/me/"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.identity.factories import UserFactory
from tests.support.jwt_keys import JwtKeys, access_claims, signed
from tests.support.problems import assert_unauthorized, problem_of

pytestmark = pytest.mark.django_db


def test_me_answers_the_account_of_the_token(api_client: APIClient, jwt_keys: JwtKeys) -> None:
    user = UserFactory(name="Barbara", is_staff=True)
    token = signed(access_claims(sub=str(user.id), roles=["staff"]), jwt_keys.current)

    response = api_client.get("/api/identity/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json() | {"date_joined": None} == {
        "id": str(user.id),
        "email": user.email,
        "name": "Barbara",
        "is_staff": True,
        "roles": ["staff"],
        "date_joined": None,
    }


def test_me_needs_an_access_token(api_client: APIClient) -> None:
    response = api_client.get("/api/identity/me/")

    assert_unauthorized(response)


def test_me_answers_404_when_the_account_was_deleted_after_the_token_was_issued(
    api_client: APIClient, jwt_keys: JwtKeys
) -> None:
    token = signed(access_claims(), jwt_keys.current)

    response = api_client.get("/api/identity/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    problem_of(response, 404)
