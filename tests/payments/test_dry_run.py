"""A dry run of a payments handler stops before the provider: nobody is charged to find out."""

from __future__ import annotations

import pytest

from contexts.payments.models import Payment
from modulith.events.recovery.dryrun import dry_run
from modulith.testing import make_envelope
from tests.payments.factories import PaymentMethodFactory
from tests.support.event_factories import OrderPlacedFactory

pytestmark = pytest.mark.django_db


def test_a_dry_run_of_an_authorization_stops_before_calling_the_provider() -> None:
    method = PaymentMethodFactory()
    event = OrderPlacedFactory(customer_id=method.customer_id, payment_method_id=method.id)

    result = dry_run(subscription="payments.on_order_placed", envelope=make_envelope(event))

    assert not result.succeeded
    assert result.skipped_call == "a call to the payment provider"
    assert result.error == ""
    assert any("payments_payment" in write.sql for write in result.writes)
    assert Payment.objects.count() == 0
