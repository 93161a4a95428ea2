"""Payments' write use cases called directly (integration: database, fake provider)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contexts.payments import services
from contexts.payments.models import PaymentStatus
from contexts.payments.providers import ProviderDeclined, UnknownToken
from modulith.testing import capture_events
from tests.payments.factories import PaymentFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db


def test_a_saved_card_keeps_the_token_and_what_the_provider_says_about_it() -> None:
    customer_id = uuid.uuid4()

    method = services.payment_method_create(customer_id=customer_id, token="tok_insufficient_funds")

    assert (method.customer_id, method.token, method.brand, method.last4) == (
        customer_id,
        "tok_insufficient_funds",
        "visa",
        "9995",
    )


def test_a_card_the_provider_does_not_know_is_not_saved() -> None:
    with pytest.raises(UnknownToken):
        services.payment_method_create(customer_id=uuid.uuid4(), token="tok_unknown")


def test_authorizing_sends_the_payment_id_as_idempotency_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys: list[str] = []
    real_provider = services.get_provider

    class Spy:
        def __getattr__(self, name: str) -> object:
            return getattr(real_provider(), name)

        def authorize(self, **kwargs: object) -> object:
            keys.append(str(kwargs["idempotency_key"]))
            return real_provider().authorize(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "get_provider", Spy)
    method = PaymentMethodFactory()

    payment = services.payment_authorize(
        order_id=uuid.uuid4(),
        customer_id=method.customer_id,
        payment_method_id=method.id,
        amount=Decimal("10.00"),
        currency="EUR",
    )

    assert keys == [f"{payment.id}:authorize"]


def test_a_payment_whose_authorization_is_in_flight_cannot_be_reversed_yet() -> None:
    payment = PaymentFactory(status=PaymentStatus.PENDING, provider_reference="")

    with pytest.raises(services.PaymentNotSettledYet):
        services.payment_reverse(order_id=payment.order_id, customer_id=payment.customer_id)


def test_a_refused_capture_is_not_capturable(monkeypatch: pytest.MonkeyPatch) -> None:
    payment = PaymentFactory()

    class RefusingProvider:
        def capture(self, **kwargs: object) -> object:
            raise ProviderDeclined("authorization_expired", "The authorization has expired.")

    monkeypatch.setattr(services, "get_provider", RefusingProvider)

    with pytest.raises(services.PaymentNotCapturable, match="expired"):
        services.payment_capture(order_id=payment.order_id)


def test_an_outcome_is_not_recorded_over_a_decision_another_worker_made_meanwhile() -> None:
    payment = PaymentFactory(status=PaymentStatus.PENDING, provider_reference="")
    stale = type(payment).objects.get(pk=payment.pk)
    payment.status = PaymentStatus.FAILED
    payment.save()

    with capture_events() as captured:
        kept = services._payment_record(
            stale,
            still_locked=False,
            expected=PaymentStatus.PENDING,
            status=PaymentStatus.AUTHORIZED,
        )

    assert kept.status == PaymentStatus.FAILED
    assert captured.events == []
