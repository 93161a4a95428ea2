"""The statements one payment step costs inside a handler's transaction (a count, never a
timing): the row is locked once, and the outcome writes only the columns it changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contexts.payments import services
from contexts.payments.models import PaymentStatus
from tests.payments.factories import PaymentFactory

# The test's own transaction plays the handler's delivery transaction.
pytestmark = pytest.mark.django_db


def test_a_capture_locks_the_payment_once_and_writes_status_and_timestamp_only() -> None:
    payment = PaymentFactory(status=PaymentStatus.AUTHORIZED)

    with CaptureQueriesContext(connection) as captured:
        services.payment_capture(order_id=payment.order_id)

    statements = [q["sql"] for q in captured]
    reads = [sql for sql in statements if sql.startswith('SELECT "payments_payment"')]
    (update,) = [sql for sql in statements if sql.startswith('UPDATE "payments_payment"')]
    assert len(reads) == 1
    assert " ORDER BY " not in reads[0]
    set_clause = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert [column.split(" = ")[0] for column in set_clause.split(", ")] == [
        '"status"',
        '"updated_at"',
    ]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
