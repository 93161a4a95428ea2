"""Notifications' reactions to events: rendered plain and HTML, sent once whatever redelivers.

Tests run inside a transaction, where after-commit callbacks never fire on their own; the
`sending` fixture runs them, as the commit of a real delivery would.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from uuid import UUID

import pytest
from django.core import mail
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from contexts.notifications.events import NotificationSent
from contexts.notifications.models import Notification, NotificationStatus
from modulith.events.delivery import Outcome
from modulith.testing import capture_events, deliver_to, redeliver
from tests.notifications.conftest import CustomerDirectory
from tests.support.event_factories import (
    OrderCancelledFactory,
    OrderConfirmedFactory,
    OrderRejectedFactory,
    ShipmentDispatchedFactory,
    UserRegisteredFactory,
    order_lines,
)

pytestmark = pytest.mark.django_db

Sending = Callable[[], AbstractContextManager[object]]


@pytest.fixture
def sending(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Sending:
    """Runs after-commit callbacks at the end of the block, as a real commit would."""

    def run() -> AbstractContextManager[object]:
        return django_capture_on_commit_callbacks(execute=True)

    return run


def html_of(message: mail.EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def test_a_new_user_gets_a_welcome_email(sending: Sending) -> None:
    event = UserRegisteredFactory(email="grace@example.com", name="Grace Hopper")

    with sending():
        envelope, outcome = deliver_to("notifications.on_user_registered", event)

    assert outcome == Outcome.PROCESSED
    [message] = mail.outbox
    assert message.to == ["grace@example.com"]
    assert message.subject == "Welcome to the shop, Grace Hopper"
    assert "Hello Grace Hopper" in message.body
    assert "<p>Hello Grace Hopper,</p>" in html_of(message)
    notification = Notification.objects.get()
    assert (notification.recipient_id, notification.cause_event_id) == (
        event.user_id,
        UUID(envelope["id"]),
    )
    assert notification.status == NotificationStatus.SENT
    assert message.extra_headers["X-Notification-ID"] == str(notification.id)


def test_a_confirmed_order_is_emailed_to_the_customer_with_its_lines_and_total(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add(email="ada@example.com", name="Ada Lovelace")
    event = OrderConfirmedFactory(
        customer_id=ada.id, lines=order_lines(("MUG-001", 2)), total=Decimal("29.90")
    )

    with sending():
        deliver_to("notifications.on_order_confirmed", event)

    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"Your order {event.order_id} is confirmed"
    assert "2 x MUG-001  25.00 EUR" in message.body
    assert "Total: 29.90 EUR" in message.body
    assert "<th>29.90 EUR</th>" in html_of(message)


def test_a_rejected_order_is_emailed_with_the_reason(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()

    with sending():
        deliver_to(
            "notifications.on_order_rejected",
            OrderRejectedFactory(customer_id=ada.id, detail="MUG-001 is out of stock."),
        )

    [message] = mail.outbox
    assert "could not be accepted" in message.body
    assert "MUG-001 is out of stock." in message.body


def test_a_cancelled_order_is_emailed_with_the_refund(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()

    with sending():
        deliver_to(
            "notifications.on_order_cancelled",
            OrderCancelledFactory(customer_id=ada.id, total=Decimal("29.90")),
        )

    [message] = mail.outbox
    assert "refunding 29.90 EUR" in message.body


def test_a_dispatched_shipment_is_emailed_with_its_tracking_number(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()

    with sending():
        deliver_to(
            "notifications.on_shipment_dispatched",
            ShipmentDispatchedFactory(customer_id=ada.id, tracking_number="SHPTRACK23456"),
        )

    [message] = mail.outbox
    assert "Tracking number: SHPTRACK23456" in message.body
    assert "<strong>SHPTRACK23456</strong>" in html_of(message)


def test_names_are_escaped_in_html_but_not_in_plain_text(sending: Sending) -> None:
    with sending():
        deliver_to("notifications.on_user_registered", UserRegisteredFactory(name="Tom & <Jerry>"))

    [message] = mail.outbox
    assert message.subject == "Welcome to the shop, Tom & <Jerry>"
    assert "Hello Tom & <Jerry>," in message.body
    assert "Hello Tom &amp; &lt;Jerry&gt;," in html_of(message)


def test_sending_publishes_notification_sent(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()

    with capture_events() as captured, sending():
        envelope, _ = deliver_to(
            "notifications.on_order_confirmed", OrderConfirmedFactory(customer_id=ada.id)
        )

    [sent] = captured.of_type(NotificationSent)
    assert (sent.recipient_id, sent.template, sent.channel) == (ada.id, "order_confirmed", "email")
    assert sent.cause_event_id == UUID(envelope["id"])


# --- Once, whatever redelivers ------------------------------------------------------------------


def test_a_redelivered_event_sends_no_second_email(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()
    with sending():
        envelope, _ = deliver_to(
            "notifications.on_order_confirmed", OrderConfirmedFactory(customer_id=ada.id)
        )

    with sending():
        outcome = redeliver("notifications.on_order_confirmed", envelope)

    assert outcome == Outcome.DUPLICATE
    assert len(mail.outbox) == 1


def test_an_event_handled_again_after_its_inbox_row_was_lost_sends_no_second_email(
    sending: Sending, customers: CustomerDirectory
) -> None:
    from modulith.models import InboxMessage

    ada = customers.add()
    with sending():
        envelope, _ = deliver_to(
            "notifications.on_order_confirmed", OrderConfirmedFactory(customer_id=ada.id)
        )
    # As after an inbox retention purge followed by a replay of the old envelope.
    InboxMessage.objects.all().delete()

    with sending():
        outcome = redeliver("notifications.on_order_confirmed", envelope)

    assert outcome == Outcome.PROCESSED
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_each_event_notifies_once_even_for_the_same_order(
    sending: Sending, customers: CustomerDirectory
) -> None:
    ada = customers.add()
    shipment = ShipmentDispatchedFactory(customer_id=ada.id)

    with sending():
        deliver_to("notifications.on_shipment_dispatched", shipment)
        deliver_to("notifications.on_shipment_dispatched", shipment)

    # Two events (two ids) are two causes: the inbox, not the log, dedups one event.
    assert len(mail.outbox) == 2


# --- Nobody to write to -------------------------------------------------------------------------


def test_a_customer_who_no_longer_exists_is_skipped_and_logged(
    sending: Sending, customers: CustomerDirectory
) -> None:
    event = OrderConfirmedFactory()

    with sending():
        _, outcome = deliver_to("notifications.on_order_confirmed", event)

    assert outcome == Outcome.PROCESSED
    assert mail.outbox == []
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.SKIPPED
    assert notification.recipient_id == event.customer_id
    assert "does not exist" in notification.last_error


def test_nothing_is_sent_before_the_reservation_commits(customers: CustomerDirectory) -> None:
    ada = customers.add()

    deliver_to("notifications.on_order_confirmed", OrderConfirmedFactory(customer_id=ada.id))

    assert mail.outbox == []
    assert customers.asked == []
    assert Notification.objects.get().status == NotificationStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_identity_is_asked_for_the_address_only_once_no_transaction_is_open(
    customers: CustomerDirectory,
) -> None:
    # Committed for real (no test transaction around it), as a worker's delivery would be.
    ada = customers.add(email="ada@example.com")

    deliver_to("notifications.on_order_confirmed", OrderConfirmedFactory(customer_id=ada.id))

    assert customers.asked == [(ada.id, False)]
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
