"""End to end over HTTP: an account's whole token lifecycle."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.support.problems import assert_unauthorized

pytestmark = pytest.mark.django_db


def test_register_log_in_read_me_refresh_and_log_out(api_client: APIClient) -> None:
    registered = api_client.post(
        "/api/identity/register/",
        {"email": "Ada@Example.COM", "password": "analytical-Engine-1843", "name": "Ada"},
        format="json",
    )
    assert registered.status_code == 201
    assert "access" not in registered.json()
    user_id = registered.json()["id"]

    login = api_client.post(
        "/api/identity/token/",
        {"email": "ada@example.com", "password": "analytical-Engine-1843"},
        format="json",
    )
    assert login.status_code == 200
    first = login.json()

    me = api_client.get("/api/identity/me/", HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    assert me.status_code == 200
    assert me.json()["id"] == user_id
    assert me.json()["email"] == "Ada@example.com"
    assert me.json()["roles"] == ["customer"]

    refreshed = api_client.post(
        "/api/identity/token/refresh/", {"refresh": first["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh"] != first["refresh"]
    assert_unauthorized(
        api_client.post(
            "/api/identity/token/refresh/", {"refresh": first["refresh"]}, format="json"
        )
    )
    me_again = api_client.get("/api/identity/me/", HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    assert me_again.status_code == 200

    logout = api_client.post("/api/identity/logout/", {"refresh": second["refresh"]}, format="json")
    assert logout.status_code == 204

    after_logout = api_client.post(
        "/api/identity/token/refresh/", {"refresh": second["refresh"]}, format="json"
    )
    assert_unauthorized(after_logout)
