"""The notification log in the admin: read-only, with one action that queues failures again."""

from __future__ import annotations

from typing import Any

import pytest

from contexts.notifications.models import NotificationStatus
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


def test_staff_send_failed_notifications_again_from_the_admin(admin_client: Any) -> None:
    failed = NotificationFactory(status=NotificationStatus.FAILED, attempts=5, sent_at=None)

    response = admin_client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [str(failed.id)]}, follow=True
    )

    assert response.status_code == 200
    assert "1 notification(s) queued again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 0)


def test_notifications_cannot_be_added_in_the_admin(admin_client: Any) -> None:
    response = admin_client.get(f"{CHANGELIST}add/")

    assert response.status_code == 403
