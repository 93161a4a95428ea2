from __future__ import annotations

import io

import pytest

from contexts.identity import demo
from contexts.identity.models import User

pytestmark = pytest.mark.django_db


def test_demo_creates_a_staff_member_and_a_customer_and_prints_their_credentials() -> None:
    out = io.StringIO()

    demo.load(out=out)

    staff = User.objects.get(email="staff@example.com")
    customer = User.objects.get(email="customer@example.com")
    assert (staff.is_staff, customer.is_staff) == (True, False)
    for account in demo.DEMO_ACCOUNTS:
        assert f"{account['email']} / {account['password']}" in out.getvalue()
        user = User.objects.get(email=account["email"])
        assert user.check_password(str(account["password"]))


def test_demo_can_run_again_without_duplicating_anything() -> None:
    demo.load(out=io.StringIO())

    demo.load(out=io.StringIO())

    assert User.objects.count() == 2
