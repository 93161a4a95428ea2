"""The user admin, adapted to accounts that log in with an email address."""

from __future__ import annotations

import pytest
from django.test import Client

from contexts.identity.models import User
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_superuser(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_user_list_and_forms_render(admin_client_for_superuser: Client) -> None:
    user = UserFactory()

    pages = [
        admin_client_for_superuser.get("/admin/identity/user/"),
        admin_client_for_superuser.get("/admin/identity/user/add/"),
        admin_client_for_superuser.get(f"/admin/identity/user/{user.pk}/change/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]


def test_adding_a_user_in_the_admin_sets_email_name_and_password(
    admin_client_for_superuser: Client,
) -> None:
    response = admin_client_for_superuser.post(
        "/admin/identity/user/add/",
        {
            "email": "new@example.com",
            "name": "New Person",
            "usable_password": "true",
            "password1": "admin-Created-42",
            "password2": "admin-Created-42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.name == "New Person"
    assert user.check_password("admin-Created-42")


def test_the_admin_refuses_an_address_taken_in_another_letter_case(
    admin_client_for_superuser: Client,
) -> None:
    UserFactory(email="taken@example.com")

    response = admin_client_for_superuser.post(
        "/admin/identity/user/add/",
        {
            "email": "TAKEN@example.com",
            "name": "Someone",
            "usable_password": "true",
            "password1": "admin-Created-42",
            "password2": "admin-Created-42",
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 2
