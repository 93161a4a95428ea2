"""Throttles where passwords or money are tried: the admin's log-in, placements, public quotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from modulith.http.authentication import Role
from tests.identity.factories import UserFactory
from tests.support import clients
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

QUOTE = {"lines": [{"sku": "A-1", "quantity": 1, "weight_grams": 100}], "country": "DE"}


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def rate(monkeypatch: pytest.MonkeyPatch, scope: str, value: str) -> None:
    # DRF reads the rates once, at import: patch them where the throttles keep them.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, value)


def assert_throttled_problem(response: Any) -> None:
    assert response.status_code == 429, response.content[:300]
    assert_problem_type(response)
    assert int(response["Retry-After"]) > 0


def test_the_admin_log_in_form_is_throttled_per_address_even_for_the_right_password(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rate(monkeypatch, "admin_login", "3/min")
    UserFactory.create(email="ops@example.com", password="Right-Password-1", is_staff=True)
    browser = Client()
    for attempt in range(3):
        wrong = browser.post(
            "/admin/login/", {"username": "ops@example.com", "password": f"wrong-{attempt}"}
        )
        assert wrong.status_code == 200  # the form again, with its error

    right = browser.post(
        "/admin/login/", {"username": "ops@example.com", "password": "Right-Password-1"}
    )

    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert "_auth_user_id" not in browser.session


def test_the_admin_log_in_page_itself_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    rate(monkeypatch, "admin_login", "1/min")
    browser = Client()

    statuses = {browser.get("/admin/login/").status_code for _ in range(3)}

    assert statuses == {200}


def test_order_placements_are_throttled_per_customer(monkeypatch: pytest.MonkeyPatch) -> None:
    rate(monkeypatch, "order", "2/min")
    customer = clients.client_with_roles(Role.CUSTOMER)
    other = clients.client_with_roles(Role.CUSTOMER)
    for key in ("a", "b"):
        customer.post("/api/orders/", {}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    refused = customer.post("/api/orders/", {}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    others_turn = other.post("/api/orders/", {}, format="json", HTTP_IDEMPOTENCY_KEY="c")

    assert_throttled_problem(refused)
    assert others_turn.status_code == 400  # an empty body: the other customer's budget is intact


def test_listing_orders_is_not_counted_as_placing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    rate(monkeypatch, "order", "1/min")
    customer = clients.client_with_roles(Role.CUSTOMER)

    statuses = {customer.get("/api/orders/").status_code for _ in range(3)}

    assert statuses == {200}


def test_public_quotes_are_throttled_per_address_whoever_is_logged_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rate(monkeypatch, "quote", "2/min")
    for client in (APIClient(), clients.client_with_roles(Role.CUSTOMER)):
        client.post("/api/shipping/quotes/", QUOTE, format="json")

    refused = clients.client_with_roles(Role.CUSTOMER).post(
        "/api/shipping/quotes/", QUOTE, format="json"
    )

    assert_throttled_problem(refused)
