"""GET /api/notifications/: the caller's own notifications, paginated."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from modulith.http.authentication import Role, TokenPrincipal
from tests.notifications.conftest import ClientFor
from tests.notifications.factories import NotificationFactory
from tests.support.auth import BearerFactory
from tests.support.pages import PagesCostTheSame
from tests.support.problems import assert_problem_type

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("notifications-list")


def someone(*roles: str) -> TokenPrincipal:
    return TokenPrincipal(id=uuid.uuid4(), roles=frozenset(roles or {Role.CUSTOMER}))


def test_a_customer_lists_only_their_own_notifications(client_for: ClientFor) -> None:
    ada = someone()
    mine = NotificationFactory(recipient_id=ada.id, subject="Your order is confirmed")
    NotificationFactory()

    response = client_for(ada).get(NOTIFICATIONS)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [listed] = response.json()["results"]
    assert listed["id"] == str(mine.id)
    assert listed["subject"] == "Your order is confirmed"
    assert listed["status"] == "sent"


def test_staff_also_see_only_their_own_notifications(client_for: ClientFor) -> None:
    NotificationFactory.create_batch(2)

    response = client_for(someone(Role.STAFF)).get(NOTIFICATIONS)

    assert response.json()["count"] == 0


def test_listing_notifications_costs_the_same_queries_for_any_page_size(
    client_for: ClientFor, pages_cost_the_same: PagesCostTheSame
) -> None:
    ada = someone()
    NotificationFactory.create_batch(5, recipient_id=ada.id)

    pages_cost_the_same(client_for(ada), NOTIFICATIONS, rows=5)


def test_notifications_need_a_token() -> None:
    response = APIClient().get(NOTIFICATIONS)

    assert response.status_code == 401
    assert_problem_type(response)


def test_a_real_access_token_is_enough_to_list_ones_notifications(bearer: BearerFactory) -> None:
    recipient_id = uuid.uuid4()
    mine = NotificationFactory(recipient_id=recipient_id)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(recipient_id))

    response = client.get(NOTIFICATIONS)

    assert [item["id"] for item in response.json()["results"]] == [str(mine.id)]
