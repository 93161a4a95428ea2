"""contexts.identity.api: what other contexts may call."""

from __future__ import annotations

import uuid

import pytest

from contexts.identity.api import CustomerDTO, CustomerNotFound, get_customer
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_get_customer_answers_a_frozen_dto_of_the_account() -> None:
    user = UserFactory(email="mary@example.com", name="Mary", is_staff=False)

    customer = get_customer(customer_id=user.id)

    assert customer == CustomerDTO(
        id=user.id, email="mary@example.com", name="Mary", is_staff=False
    )


def test_get_customer_raises_customer_not_found_for_an_unknown_id() -> None:
    unknown = uuid.uuid4()

    with pytest.raises(CustomerNotFound) as raised:
        get_customer(customer_id=unknown)

    assert raised.value.customer_id == unknown
