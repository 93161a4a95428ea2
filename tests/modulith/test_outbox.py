"""publish(): outbox row in the caller's transaction, delivery only after commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from modulith import PublishOutsideTransactionError, publish
from modulith.models import InboxMessage, OutboxMessage
from tests.modulith.contexts.sample.events import ThingHappened
from tests.modulith.contexts.sample.services import thing_happen


def test_publishing_outside_a_transaction_raises_a_clear_error(thing_id):
    with pytest.raises(PublishOutsideTransactionError, match="inside a service decorated"):
        publish(ThingHappened(thing_id=thing_id))


@pytest.mark.django_db(transaction=True)
def test_after_a_rollback_nothing_is_stored_or_delivered(thing_id, effects):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        publish(ThingHappened(thing_id=thing_id))
        raise Abort

    assert not OutboxMessage.objects.exists()
    assert not InboxMessage.objects.exists()
    assert effects(thing_id) == 0


@pytest.mark.django_db(transaction=True)
def test_after_a_commit_each_subscription_is_delivered_exactly_once(thing_id, effects):
    envelope = thing_happen(thing_id=thing_id)

    assert effects(thing_id, "on_thing_happened") == 1
    assert effects(thing_id, "audit_thing_happened") == 1
    assert OutboxMessage.objects.get(id=envelope["id"]).dispatched_at is not None
    assert set(
        InboxMessage.objects.filter(event_id=envelope["id"]).values_list("subscription", "status")
    ) == {
        ("listener.on_thing_happened", "processed"),
        ("listener.audit_thing_happened", "processed"),
    }


@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_with_its_savepoint_is_not_delivered(thing_id, effects):
    with transaction.atomic():
        try:
            with transaction.atomic():
                publish(ThingHappened(thing_id=thing_id))
                raise RuntimeError("abandon this part")
        except RuntimeError:
            pass

    assert not OutboxMessage.objects.exists()
    assert effects(thing_id) == 0


def test_nothing_is_dispatched_before_the_commit(db, thing_id, effects):
    with transaction.atomic():
        publish(ThingHappened(thing_id=thing_id))

        assert OutboxMessage.objects.get().dispatched_at is None
        assert effects(thing_id) == 0


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF="tests.modulith.contexts.sample.urls")
def test_the_request_correlation_id_is_carried_by_the_event_and_returned():
    client = APIClient()

    response = client.post(
        "/things/",
        {"thing_id": "5b0c1c3e-7a52-4c55-9a0e-3f1f1b0d2a11"},
        format="json",
        HTTP_X_CORRELATION_ID="req-42",
    )

    assert response.status_code == 201
    assert response["X-Correlation-ID"] == "req-42"
    envelope = OutboxMessage.objects.get(id=response.json()["event_id"]).envelope
    assert envelope["correlationid"] == "req-42"
    assert "causationid" not in envelope
