from __future__ import annotations

import io

import pytest
from django.test import Client

from contexts.identity import demo
from contexts.identity.models import User

pytestmark = pytest.mark.django_db


def test_demo_creates_an_admin_a_staff_member_and_a_customer_and_prints_credentials() -> None:
    out = io.StringIO()

    demo.load(out=out)

    admin = User.objects.get(email="admin@example.com")
    staff = User.objects.get(email="staff@example.com")
    customer = User.objects.get(email="customer@example.com")
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert (staff.is_staff, staff.is_superuser) == (True, False)
    assert (customer.is_staff, customer.is_superuser) == (False, False)
    for account in demo.DEMO_ACCOUNTS:
        assert f"{account['email']} / {account['password']}" in out.getvalue()
        user = User.objects.get(email=account["email"])
        assert user.check_password(str(account["password"]))


def test_demo_can_run_again_without_duplicating_anything() -> None:
    demo.load(out=io.StringIO())

    demo.load(out=io.StringIO())

    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) == 3


def test_the_demo_admin_can_log_in_and_open_the_event_kernel_in_the_admin(client: Client) -> None:
    demo.load(out=io.StringIO())

    logged_in = client.login(username="admin@example.com", password="Shop-Admin-Demo-1")

    assert logged_in
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/modulith/inboxmessage/").status_code == 200
