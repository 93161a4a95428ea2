"""Payments' reactions to the order saga, fed one subscription at a time, in any order, twice."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest
from pytest_django.fixtures import Settings

from contexts.payments.events import (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from contexts.payments.models import Payment, PaymentStatus, payment_id_for
from contexts.payments.providers.fake import (
    TOK_DECLINED,
    TOK_INSUFFICIENT_FUNDS,
    TOK_UNAVAILABLE,
)
from modulith.events.delivery import Outcome
from modulith.testing import capture_events, deliver_to, redeliver
from tests.payments.factories import PaymentFactory, PaymentMethodFactory
from tests.support.event_factories import (
    OrderCancelledFactory,
    OrderConfirmedFactory,
    OrderPlacedFactory,
    OrderRejectedFactory,
)

pytestmark = pytest.mark.django_db

PLACED = "payments.on_order_placed"
CONFIRMED = "payments.on_order_confirmed"
REJECTED = "payments.on_order_rejected"
CANCELLED = "payments.on_order_cancelled"


def payment_of(order_id: UUID) -> Payment:
    return Payment.objects.get(order_id=order_id)


def place(token: str | None = None, **overrides: object) -> tuple[object, object]:
    method = PaymentMethodFactory(**({"token": token} if token else {}))
    event = OrderPlacedFactory(
        customer_id=method.customer_id, payment_method_id=method.id, **overrides
    )
    return event, deliver_to(PLACED, event)


# --- OrderPlaced: authorize -----------------------------------------------------------------------


def test_an_order_placed_with_a_good_card_is_authorized_for_its_total() -> None:
    with capture_events() as captured:
        event, (_, outcome) = place(total=Decimal("29.90"))

    assert outcome == Outcome.PROCESSED
    payment = payment_of(event.order_id)
    assert payment.status == PaymentStatus.AUTHORIZED
    assert (payment.amount, payment.currency) == (Decimal("29.90"), "EUR")
    assert payment.id == payment_id_for(event.order_id)
    [authorized] = captured.of_type(PaymentAuthorized)
    assert (authorized.order_id, authorized.payment_id) == (event.order_id, payment.id)
    assert authorized.amount == Decimal("29.90")


@pytest.mark.parametrize(
    ("token", "reason"),
    [(TOK_DECLINED, "declined"), (TOK_INSUFFICIENT_FUNDS, "insufficient_funds")],
)
def test_a_declined_card_fails_the_payment_with_the_decline_reason(token: str, reason: str) -> None:
    with capture_events() as captured:
        event, _ = place(token)

    assert payment_of(event.order_id).status == PaymentStatus.FAILED
    [failed] = captured.of_type(PaymentFailed)
    assert (failed.order_id, failed.reason) == (event.order_id, reason)
    assert captured.of_type(PaymentAuthorized) == []


def test_a_provider_that_does_not_answer_in_time_fails_the_payment_as_unavailable() -> None:
    with capture_events() as captured:
        event, (_, outcome) = place(TOK_UNAVAILABLE)

    assert outcome == Outcome.PROCESSED
    [failed] = captured.of_type(PaymentFailed)
    assert failed.reason == "provider_unavailable"
    assert payment_of(event.order_id).failure_reason == "provider_unavailable"


def test_another_customers_payment_method_fails_as_unknown_payment_method() -> None:
    somebody_elses = PaymentMethodFactory()
    event = OrderPlacedFactory(payment_method_id=somebody_elses.id)

    with capture_events() as captured:
        deliver_to(PLACED, event)

    [failed] = captured.of_type(PaymentFailed)
    assert failed.reason == "unknown_payment_method"
    assert payment_of(event.order_id).payment_method is None


def test_a_payment_method_that_does_not_exist_fails_as_unknown_payment_method() -> None:
    event = OrderPlacedFactory()

    with capture_events() as captured:
        deliver_to(PLACED, event)

    assert [failed.reason for failed in captured.of_type(PaymentFailed)] == [
        "unknown_payment_method"
    ]


def test_a_redelivered_order_placed_authorizes_nothing_more() -> None:
    _, (envelope, _) = place()

    with capture_events() as captured:
        outcome = redeliver(PLACED, envelope)

    assert outcome == Outcome.DUPLICATE
    assert captured.events == []
    assert Payment.objects.count() == 1


def test_the_same_order_placed_again_under_a_new_event_id_is_ignored() -> None:
    event, _ = place()

    with capture_events() as captured:
        _, outcome = deliver_to(PLACED, event)

    assert outcome == Outcome.PROCESSED
    assert captured.events == []
    assert payment_of(event.order_id).status == PaymentStatus.AUTHORIZED


# --- OrderConfirmed: capture ----------------------------------------------------------------------


def test_a_confirmed_order_captures_its_authorized_payment() -> None:
    payment = PaymentFactory()

    with capture_events() as captured:
        deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    [captured_event] = captured.of_type(PaymentCaptured)
    assert (captured_event.payment_id, captured_event.amount) == (payment.id, payment.amount)


def test_a_redelivered_confirmation_captures_once() -> None:
    payment = PaymentFactory()
    envelope, _ = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    with capture_events() as captured:
        redeliver(CONFIRMED, envelope)
        deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    assert captured.events == []


def test_a_confirmation_before_any_authorization_is_retried_later() -> None:
    event = OrderConfirmedFactory()

    _, outcome = deliver_to(CONFIRMED, event)

    assert outcome == Outcome.RETRYING
    assert not Payment.objects.filter(order_id=event.order_id).exists()


def test_a_confirmation_of_a_failed_payment_is_dead_lettered() -> None:
    payment = PaymentFactory(status=PaymentStatus.FAILED, failure_reason="declined")

    _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    assert outcome == Outcome.DEAD


def test_a_capture_the_provider_cannot_answer_is_retried_later(settings: Settings) -> None:
    settings.PAYMENTS_FAKE_LATENCY_MS = 1000  # longer than the 0.2 s timeout of these tests
    payment = PaymentFactory()

    _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    assert outcome == Outcome.RETRYING
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED


# --- OrderRejected: void --------------------------------------------------------------------------


def test_a_rejected_order_voids_its_authorization() -> None:
    payment = PaymentFactory()

    with capture_events() as captured:
        deliver_to(REJECTED, OrderRejectedFactory(order_id=payment.order_id))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VOIDED
    assert [voided.payment_id for voided in captured.of_type(PaymentVoided)] == [payment.id]


def test_a_rejected_order_whose_payment_failed_changes_nothing() -> None:
    payment = PaymentFactory(status=PaymentStatus.FAILED, failure_reason="declined")

    with capture_events() as captured:
        deliver_to(REJECTED, OrderRejectedFactory(order_id=payment.order_id))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert captured.events == []


def test_a_rejection_that_arrives_before_the_order_stops_it_from_being_authorized() -> None:
    method = PaymentMethodFactory()
    placed = OrderPlacedFactory(customer_id=method.customer_id, payment_method_id=method.id)
    rejected = OrderRejectedFactory(order_id=placed.order_id, customer_id=placed.customer_id)

    with capture_events() as captured:
        deliver_to(REJECTED, rejected)
        deliver_to(PLACED, placed)

    assert payment_of(placed.order_id).status == PaymentStatus.ABANDONED
    assert captured.events == []


def test_a_redelivered_rejection_voids_once() -> None:
    payment = PaymentFactory()
    envelope, _ = deliver_to(REJECTED, OrderRejectedFactory(order_id=payment.order_id))

    with capture_events() as captured:
        redeliver(REJECTED, envelope)
        deliver_to(REJECTED, OrderRejectedFactory(order_id=payment.order_id))

    assert captured.events == []


# --- OrderCancelled: refund or void ---------------------------------------------------------------


def test_a_cancelled_order_refunds_its_captured_payment() -> None:
    payment = PaymentFactory(status=PaymentStatus.CAPTURED)

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=payment.order_id))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    [refunded] = captured.of_type(PaymentRefunded)
    assert (refunded.payment_id, refunded.amount) == (payment.id, payment.amount)


def test_a_cancellation_that_overtakes_the_confirmation_voids_and_nothing_is_captured() -> None:
    payment = PaymentFactory()

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=payment.order_id))
        _, outcome = deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=payment.order_id))

    assert outcome == Outcome.PROCESSED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VOIDED
    assert captured.types() == ["shop.payments.payment.voided.v1"]


def test_a_cancellation_before_the_order_reached_payments_leaves_a_tombstone() -> None:
    method = PaymentMethodFactory()
    placed = OrderPlacedFactory(customer_id=method.customer_id, payment_method_id=method.id)

    with capture_events() as captured:
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=placed.order_id))
        deliver_to(PLACED, placed)
        deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))

    assert payment_of(placed.order_id).status == PaymentStatus.ABANDONED
    assert captured.events == []


def test_a_redelivered_cancellation_refunds_once() -> None:
    payment = PaymentFactory(status=PaymentStatus.CAPTURED)
    envelope, _ = deliver_to(CANCELLED, OrderCancelledFactory(order_id=payment.order_id))

    with capture_events() as captured:
        redeliver(CANCELLED, envelope)
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=payment.order_id))

    assert captured.events == []


# --- The whole life of a payment ------------------------------------------------------------------


def test_placed_confirmed_cancelled_authorizes_captures_and_refunds_in_that_order() -> None:
    with capture_events() as captured:
        placed, _ = place()
        deliver_to(CONFIRMED, OrderConfirmedFactory(order_id=placed.order_id))
        deliver_to(CANCELLED, OrderCancelledFactory(order_id=placed.order_id))

    assert captured.types() == [
        "shop.payments.payment.authorized.v1",
        "shop.payments.payment.captured.v1",
        "shop.payments.payment.refunded.v1",
    ]
    assert payment_of(placed.order_id).status == PaymentStatus.REFUNDED


def test_a_refund_the_provider_refuses_is_dead_lettered(monkeypatch: pytest.MonkeyPatch) -> None:
    from contexts.payments import services
    from contexts.payments.providers import ProviderDeclined

    class RefusingProvider:
        def refund(self, **kwargs: object) -> object:
            raise ProviderDeclined("charge_disputed", "The charge is disputed.")

    monkeypatch.setattr(services, "get_provider", RefusingProvider)
    payment = PaymentFactory(status=PaymentStatus.CAPTURED)

    _, outcome = deliver_to(CANCELLED, OrderCancelledFactory(order_id=payment.order_id))

    assert outcome == Outcome.DEAD
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
