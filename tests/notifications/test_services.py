"""Sending from the log: claims, failures, backoff and the sweeper (integration: database)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from contexts.notifications import services
from contexts.notifications.models import Notification, NotificationStatus
from tests.notifications.conftest import CustomerDirectory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def pending(**fields: object) -> Notification:
    return NotificationFactory(status=NotificationStatus.PENDING, sent_at=None, **fields)


@pytest.fixture
def broken_email(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_services.RefusingBackend"


class RefusingBackend:
    """An email backend whose server is down."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("SMTP server unreachable")


def test_sending_a_pending_notification_emails_it_and_marks_it_sent() -> None:
    notification = pending(subject="Hello", body_text="Plain", body_html="<p>Rich</p>")

    sent = services.notification_send(notification_id=notification.id)

    assert sent is not None
    assert sent.status == NotificationStatus.SENT
    assert sent.sent_at is not None
    [message] = mail.outbox
    assert (message.subject, message.body) == ("Hello", "Plain")
    assert message.alternatives[0][0] == "<p>Rich</p>"  # type: ignore[attr-defined]


def test_a_sent_notification_is_never_sent_again() -> None:
    notification = NotificationFactory(status=NotificationStatus.SENT)

    assert services.notification_send(notification_id=notification.id) is None
    assert mail.outbox == []


def test_a_notification_another_sender_holds_is_left_alone() -> None:
    notification = pending(claimed_until=timezone.now() + timedelta(minutes=1))

    assert services.notification_send(notification_id=notification.id) is None
    assert mail.outbox == []


def test_a_failed_send_stays_pending_and_backs_off(broken_email: None) -> None:
    notification = pending()

    failed = services.notification_send(notification_id=notification.id)

    assert failed is not None
    assert failed.status == NotificationStatus.PENDING
    assert failed.attempts == 1
    assert "SMTP server unreachable" in failed.last_error
    assert failed.claimed_until is not None and failed.claimed_until > timezone.now()


def test_after_the_last_attempt_a_notification_is_failed(broken_email: None) -> None:
    notification = pending(attempts=services.MAX_SEND_ATTEMPTS - 1)

    failed = services.notification_send(notification_id=notification.id)

    assert failed is not None
    assert failed.status == NotificationStatus.FAILED


def test_the_sweeper_sends_what_nobody_holds_and_leaves_the_rest() -> None:
    orphan = pending()
    retry_due = pending(attempts=1, claimed_until=timezone.now() - timedelta(seconds=1))
    held = pending(claimed_until=timezone.now() + timedelta(minutes=5))
    NotificationFactory(status=NotificationStatus.SENT)

    tried = services.notification_send_due()

    assert tried == 2
    assert {message.extra_headers["X-Notification-ID"] for message in mail.outbox} == {
        str(orphan.id),
        str(retry_due.id),
    }
    held.refresh_from_db()
    assert held.status == NotificationStatus.PENDING


def test_reserving_twice_for_the_same_cause_and_recipient_keeps_one_row(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    cause, recipient = uuid.uuid4(), uuid.uuid4()
    reserve = {
        "template": "welcome",
        "recipient_id": recipient,
        "email": "grace@example.com",
        "cause_event_id": cause,
        "context": {"name": "Grace"},
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = services.notification_reserve(**reserve)  # type: ignore[arg-type]
    with django_capture_on_commit_callbacks(execute=True):
        second = services.notification_reserve(**reserve)  # type: ignore[arg-type]

    assert first.id == second.id
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_retrying_failed_notifications_gives_them_fresh_attempts_and_leaves_others_alone() -> None:
    failed = NotificationFactory(
        status=NotificationStatus.FAILED, attempts=services.MAX_SEND_ATTEMPTS, sent_at=None
    )
    sent = NotificationFactory(status=NotificationStatus.SENT)

    requeued = services.notification_retry_failed(notification_ids=[failed.id, sent.id])

    assert requeued == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.claimed_until) == (
        NotificationStatus.PENDING,
        0,
        None,
    )
    sent.refresh_from_db()
    assert sent.status == NotificationStatus.SENT


def test_a_customer_is_addressed_and_the_message_rendered_when_first_sent(
    customers: CustomerDirectory,
) -> None:
    ada = customers.add(email="ada@example.com", name="Ada Lovelace")
    notification = pending(
        recipient_id=ada.id,
        email="",
        template="welcome",
        subject="",
        body_text="",
        body_html="",
    )

    sent = services.notification_send(notification_id=notification.id)

    assert sent is not None
    assert (sent.status, sent.email) == (NotificationStatus.SENT, "ada@example.com")
    assert sent.subject == "Welcome to the shop, Ada Lovelace"
    [message] = mail.outbox
    assert message.subject == sent.subject


def test_identity_out_of_reach_is_retried_like_a_failed_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable(**kwargs: object) -> None:
        raise ConnectionRefusedError("identity unreachable")

    monkeypatch.setattr(services, "get_customer", unreachable)
    notification = pending(email="", body_text="", body_html="", subject="")

    failed = services.notification_send(notification_id=notification.id)

    assert failed is not None
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 1)
    assert "identity unreachable" in failed.last_error
    assert mail.outbox == []


def _reserve_welcome(**fields: object) -> Notification:
    return services.notification_reserve(  # type: ignore[arg-type]
        template="welcome",
        recipient_id=uuid.uuid4(),
        email="grace@example.com",
        cause_event_id=uuid.uuid4(),
        context={"name": "Grace"},
        **fields,
    )


def test_a_new_notification_is_reserved_under_the_lease_of_the_process_that_sends_it(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as sends:
        reserved = _reserve_welcome()

    stored = Notification.objects.get(id=reserved.id)
    assert stored.status == NotificationStatus.PENDING
    assert stored.attempts == 1
    assert stored.claimed_until is not None and stored.claimed_until > timezone.now()
    # A sweeper running between the commit and the send leaves the row to its sender.
    assert services.notification_send_due() == 0
    assert mail.outbox == []

    [send] = sends
    with CaptureQueriesContext(connection) as queries:
        send()

    assert [message.to for message in mail.outbox] == [["grace@example.com"]]
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.claimed_until) == (
        NotificationStatus.SENT,
        1,
        None,
    )
    # It sends under the lease it reserved with: no claim, no row read back.
    assert not [query for query in queries if "FOR UPDATE" in query["sql"]]


def test_a_reservation_whose_sender_died_is_sent_by_the_sweeper_once_its_lease_ran_out(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # the sender dies: nothing runs
        reserved = _reserve_welcome()
    assert services.notification_send_due() == 0
    Notification.objects.filter(id=reserved.id).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )

    assert services.notification_send_due() == 1

    [message] = mail.outbox
    assert message.extra_headers["X-Notification-ID"] == str(reserved.id)
    reserved.refresh_from_db()
    assert (reserved.status, reserved.attempts) == (NotificationStatus.SENT, 2)


def test_a_customer_message_is_stored_before_it_is_sent(
    customers: CustomerDirectory, broken_email: None
) -> None:
    ada = customers.add(email="ada@example.com", name="Ada Lovelace")
    notification = pending(
        recipient_id=ada.id, template="welcome", email="", subject="", body_text="", body_html=""
    )

    services.notification_send(notification_id=notification.id)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING  # the email server refused it
    assert notification.email == "ada@example.com"
    assert notification.subject == "Welcome to the shop, Ada Lovelace"
    assert notification.body_text and notification.body_html
