"""Notification log rows. The events notifications reacts to come from
tests/support/event_factories.py."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from contexts.notifications.models import Notification, NotificationStatus


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient_id = factory.LazyFunction(uuid.uuid4)
    email = "ada@example.com"
    template = "order_confirmed"
    cause_event_id = factory.LazyFunction(uuid.uuid4)
    status = NotificationStatus.SENT
    subject = "Your order is confirmed"
    body_text = "Thank you."
    body_html = "<p>Thank you.</p>"
    sent_at = factory.LazyFunction(timezone.now)
