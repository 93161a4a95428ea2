"""Events of one order delivered at the same moment by two workers (PostgreSQL: real row locks).

The payment row is the lock every handler of an order takes (or creates, where the unique
order_id makes the second creator wait), so a rejection that races the authorization still
ends with the money released.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from contexts.payments.models import Payment, PaymentStatus
from modulith.events.delivery import Outcome, deliver
from modulith.events.subscriptions import get_subscription
from modulith.testing import make_envelope
from tests.payments.factories import PaymentMethodFactory
from tests.support.event_factories import OrderPlacedFactory, OrderRejectedFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_worker(work: Callable[[], Outcome], outcomes: list[Outcome]) -> threading.Thread:
    def run() -> None:
        try:
            outcomes.append(work())
        finally:
            connection.close()  # each thread has its own connection

    return threading.Thread(target=run)


def test_a_rejection_racing_the_authorization_still_voids_it(
    postgres: None, settings: Settings
) -> None:
    settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS = 2
    settings.PAYMENTS_FAKE_LATENCY_MS = 300  # the authorization holds its lock this long
    method = PaymentMethodFactory()
    placed = OrderPlacedFactory(customer_id=method.customer_id, payment_method_id=method.id)
    rejected = OrderRejectedFactory(order_id=placed.order_id, customer_id=placed.customer_id)
    outcomes: list[Outcome] = []
    authorizing = in_worker(
        lambda: deliver(get_subscription("payments.on_order_placed"), make_envelope(placed)),
        outcomes,
    )
    rejecting = in_worker(
        lambda: deliver(get_subscription("payments.on_order_rejected"), make_envelope(rejected)),
        outcomes,
    )

    authorizing.start()
    time.sleep(0.1)
    rejecting.start()
    authorizing.join(10)
    rejecting.join(10)

    assert outcomes == [Outcome.PROCESSED, Outcome.PROCESSED]
    assert Payment.objects.get(order_id=placed.order_id).status == PaymentStatus.VOIDED
