"""Write use cases of notifications: reserve a notification in the log, then send it.

Delivery is at least once, never twice once the log says sent:

1. reserve (in the handler's transaction): the row unique per (cause event, recipient), with
   the template and what to fill it with, claimed for a lease by the process reserving it. A
   redelivered or replayed event finds the row and sends nothing new.
2. send (after that transaction commits, outside any transaction): the reserving process sends
   under the lease it took with the row; any other sender claims the row first. The first time,
   address and render the message (a customer's address comes from identity) and store it;
   hand it to the email backend, mark it sent and publish NotificationSent.

Nothing irreversible or remote happens inside a transaction (rule 6, docs/rules.md#rule-6):
email cannot be rolled back, so a rolled-back reservation must not leave a sent email behind;
and identity's api is an HTTP call once identity runs on its own, which must not hold the
delivery transaction open.
If the process dies between handing the message over and marking it sent, the lease runs out and
the sweeper (tasks.send_due_notifications) sends it again: a rare duplicate is preferred to a
lost order confirmation. docs/decisions/0006-notification-delivery.md records the choice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.identity.api import CustomerNotFound, get_customer
from contexts.notifications import database
from contexts.notifications.events import NotificationSent
from contexts.notifications.models import Notification, NotificationStatus
from contexts.notifications.rendering import RenderedEmail, render_email, require_template
from modulith import publish

logger = logging.getLogger(__name__)

# How long a sender owns a claimed notification: far longer than any SMTP exchange.
SEND_LEASE = timedelta(minutes=5)
MAX_SEND_ATTEMPTS = 5
RETRY_BASE_DELAY = timedelta(minutes=1)


# --- Reserve ------------------------------------------------------------------------------------


@database.atomic
def notification_reserve(
    *,
    template: str,
    recipient_id: UUID,
    cause_event_id: UUID,
    context: dict[str, Any],
    email: str = "",
) -> Notification:
    """Log the notification once per (cause event, recipient) and send it after commit.

    A new row is claimed as it is inserted (its lease and first attempt), so the send after
    commit needs no claim of its own: one transaction fewer per notification. Should this
    process die before sending, the sweeper sends the row once the lease has run out.

    `context` fills the template; it is stored as JSON, so give it JSON-representable values
    (Decimal, UUID and datetime are fine). Without `email` the recipient is a customer whose
    address the send step asks identity for, after this transaction (identity may be remote);
    if the account no longer exists the notification is logged as skipped.
    """
    require_template(template)
    notification, inserted = _insert_or_existing(
        Notification(
            recipient_id=recipient_id,
            email=email,
            template=template,
            cause_event_id=cause_event_id,
            context=context,
            claimed_until=timezone.now() + SEND_LEASE,
            attempts=1,
        )
    )
    if inserted:
        _after_commit(lambda: _send_claimed(notification))
    elif notification.status == NotificationStatus.PENDING:
        # Reserved by an earlier delivery: send it unless its sender still holds it.
        _after_commit(lambda: notification_send(notification_id=notification.id))
    return notification


def _insert_or_existing(notification: Notification) -> tuple[Notification, bool]:
    """The row inserted now (True), or the one an earlier delivery reserved (False)."""
    try:
        # The unique (cause event, recipient) decides between concurrent deliveries; the
        # savepoint keeps the surrounding transaction usable for the loser.
        with transaction.atomic(using=database.alias()):
            notification.save(force_insert=True)
    except IntegrityError:
        existing = Notification.objects.get(
            cause_event_id=notification.cause_event_id, recipient_id=notification.recipient_id
        )
        return existing, False
    return notification, True


def _after_commit(send: Callable[[], object]) -> None:
    # robust: a failure is logged by Django and never breaks the commit that scheduled it
    # (sending records its own failures anyway).
    transaction.on_commit(send, using=database.alias(), robust=True)


# --- Send ---------------------------------------------------------------------------------------


def notification_send(*, notification_id: UUID) -> Notification | None:
    """Send a pending notification unless another sender holds it. Call it outside any
    transaction. Never raises for a sending failure: it is recorded and retried later."""
    notification = _claim(notification_id)
    if notification is None:
        return None
    return _send_claimed(notification)


def _send_claimed(notification: Notification) -> Notification:
    """Send a notification whose lease this process holds (outside any transaction)."""
    try:
        if not notification.has_message:
            notification = _address_and_render(notification)
            if notification.status == NotificationStatus.SKIPPED:
                return notification
        _email(notification)
    except Exception as error:  # noqa: BLE001 - any failure (identity, backend) is retried later
        return _record_send_failure(notification.id, error)
    return _mark_sent(notification)


def notification_send_due(*, limit: int = 100) -> int:
    """Send pending notifications nobody holds: those whose send never ran after commit (the
    process died), whose sender died, or whose retry is due. Returns how many were tried."""
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .exclude(claimed_until__gt=timezone.now())
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    for notification_id in due:
        notification_send(notification_id=notification_id)
    return len(due)


@database.atomic
def notification_retry_failed(*, notification_ids: Collection[UUID]) -> int:
    """Give failed notifications a fresh round of attempts; the sweeper sends them. Returns how
    many it requeued: the others are left alone (a pending one is on its way, a sent one done)."""
    return Notification.objects.filter(
        id__in=list(notification_ids), status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, attempts=0, claimed_until=None)


@database.atomic
def _claim(notification_id: UUID) -> Notification | None:
    # get(), not .first(): a lookup by key needs none of the ORDER BY .first() would add.
    try:
        notification = Notification.objects.select_for_update().get(id=notification_id)
    except Notification.DoesNotExist:
        return None
    if notification.status != NotificationStatus.PENDING:
        return None
    now = timezone.now()
    if notification.claimed_until is not None and notification.claimed_until > now:
        return None  # another sender holds it, or its retry is not due yet
    notification.claimed_until = now + SEND_LEASE
    notification.attempts += 1
    notification.save(update_fields=["claimed_until", "attempts"])
    return notification


def _address_and_render(notification: Notification) -> Notification:
    """The message as the recipient gets it, stored so that retries send the same. Runs outside
    any transaction: for a customer it asks identity, whose api may be an HTTP call.

    An account that no longer exists is logged as skipped rather than retried or dead-lettered:
    retrying cannot make it exist, and a deleted account is a normal outcome, not an incident.
    """
    email, context = notification.email, notification.context
    if not email:
        try:
            customer = get_customer(customer_id=notification.recipient_id)
        except CustomerNotFound:
            logger.info(
                "skipped %s notification for event %s: customer %s does not exist",
                notification.template,
                notification.cause_event_id,
                notification.recipient_id,
            )
            return _skip(notification.id, reason="The customer's account does not exist.")
        email, context = customer.email, {"name": customer.name, **context}
    rendered = render_email(notification.template, context)
    return _store_message(notification, email=email, rendered=rendered)


def _store_message(
    notification: Notification, *, email: str, rendered: RenderedEmail
) -> Notification:
    """Keep the message before sending it, so that a retry sends the same. One UPDATE, atomic
    on its own: the sender holds the row's lease, and no other column is touched."""
    return _update(
        notification,
        email=email,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
    )


@database.atomic
def _skip(notification_id: UUID, *, reason: str) -> Notification:
    """Log that nothing was sent, and why, so the log answers "did they get an email?"."""
    notification = Notification.objects.select_for_update().get(id=notification_id)
    notification.status = NotificationStatus.SKIPPED
    notification.last_error = reason
    notification.claimed_until = None
    notification.save(update_fields=["status", "last_error", "claimed_until"])
    return notification


def _email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        # Lets a mail relay or a support person match the message to the log.
        headers={"X-Notification-ID": str(notification.id)},
    )
    message.attach_alternative(notification.body_html, "text/html")
    message.send(fail_silently=False)


@database.atomic
def _mark_sent(notification: Notification) -> Notification:
    """Mark it sent and publish NotificationSent. The columns the event carries besides the
    time never change after the reservation: the sender's copy is as good as a re-read."""
    sent_at = timezone.now()
    _update(
        notification,
        status=NotificationStatus.SENT,
        sent_at=sent_at,
        claimed_until=None,
        last_error="",
    )
    publish(
        NotificationSent(
            notification_id=notification.id,
            recipient_id=notification.recipient_id,
            channel=notification.channel,
            template=notification.template,
            cause_event_id=notification.cause_event_id,
            sent_at=sent_at,
        )
    )
    return notification


def _update(notification: Notification, **values: Any) -> Notification:
    """UPDATE these columns of the row (no read, no lock held beyond the statement) and give
    the sender's copy the same values."""
    Notification.objects.filter(id=notification.id).update(**values)
    for field, value in values.items():
        setattr(notification, field, value)
    return notification


@database.atomic
def _record_send_failure(notification_id: UUID, error: Exception) -> Notification:
    notification = Notification.objects.select_for_update().get(id=notification_id)
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= MAX_SEND_ATTEMPTS:
        notification.status = NotificationStatus.FAILED
        notification.claimed_until = None
        logger.error(
            "gave up sending notification %s after %d attempts: %s",
            notification.id,
            notification.attempts,
            notification.last_error,
        )
    else:
        # Keep the claim until the backoff ends, so the sweeper waits before trying again.
        notification.claimed_until = timezone.now() + RETRY_BASE_DELAY * 2 ** (
            notification.attempts - 1
        )
        logger.warning(
            "sending notification %s failed (attempt %d), retrying after %s: %s",
            notification.id,
            notification.attempts,
            notification.claimed_until.isoformat(),
            notification.last_error,
        )
    notification.save(update_fields=["status", "last_error", "claimed_until"])
    return notification
