from __future__ import annotations

import pytest
from django.db import IntegrityError

from contexts.identity.models import User
from modulith.http.authentication import Role
from tests.identity.factories import UserFactory


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_address_in_different_letter_cases() -> None:
    UserFactory(email="alan@example.com")

    with pytest.raises(IntegrityError):
        UserFactory(email="ALAN@example.com")


@pytest.mark.django_db
def test_the_login_lookup_ignores_letter_case() -> None:
    user = UserFactory(email="Alan@Example.com")

    found = User.objects.get_by_natural_key("aLaN@eXaMpLe.CoM")

    assert found == user


def test_staff_accounts_have_the_staff_role_only() -> None:
    user = User(email="staff@example.com", is_staff=True)

    assert user.roles == (Role.STAFF,)


def test_other_accounts_have_the_customer_role() -> None:
    user = User(email="customer@example.com")

    assert user.roles == (Role.CUSTOMER,)
