"""`manage.py demo` for payments: the demo customer gets one saved card, however often it runs."""

from __future__ import annotations

import io

import pytest

from contexts.identity import api as identity_api
from contexts.identity import demo as identity_demo
from contexts.identity.api import CustomerDTO
from contexts.payments import demo
from contexts.payments.models import PaymentMethod

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_customer() -> CustomerDTO:
    # Identity's own demo creates the account through identity's services, as `manage.py demo`
    # does before payments' demo runs.
    identity_demo.load(out=io.StringIO())
    return identity_api.get_customer_by_email(email=demo.DEMO_CUSTOMER_EMAIL)


def test_the_demo_skips_when_the_demo_customer_does_not_exist() -> None:
    out = io.StringIO()

    demo.load(out=out)

    assert "skipped" in out.getvalue()
    assert not PaymentMethod.objects.exists()


def test_the_demo_customer_gets_one_visa_card_however_often_the_demo_runs(
    demo_customer: CustomerDTO,
) -> None:
    first, second = io.StringIO(), io.StringIO()

    demo.load(out=first)
    demo.load(out=second)

    method = PaymentMethod.objects.get()
    assert (method.customer_id, method.token) == (demo_customer.id, "tok_visa")
    assert f"payment_method_id {method.id} (created)" in first.getvalue()
    assert f"payment_method_id {method.id} (exists)" in second.getvalue()
