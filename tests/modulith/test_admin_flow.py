"""The admin's event flow page and the dead letter page with its Replay and Dry-run buttons."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from modulith.models import InboxMessage, InboxStatus
from modulith.testing import deliver_to, drain
from tests.identity.factories import UserFactory
from tests.modulith.contexts.listener.models import Effect, Repair
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened

HANDLER = "listener.on_thing_happened"
FLOW = "/admin/modulith/inboxmessage/flow/"


@pytest.fixture
def dead_letter(db, thing_id) -> InboxMessage:
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY))
    return InboxMessage.objects.get(subscription=HANDLER, status=InboxStatus.DEAD)


def page_of(row: InboxMessage) -> str:
    return f"/admin/modulith/inboxmessage/{row.id}/dead-letter/?database=default"


def test_the_flow_page_shows_each_subscription_with_its_figures(admin_client, dead_letter):
    deliver_to(HANDLER, ThingHappened(thing_id=dead_letter.event_id))

    response = admin_client.get(FLOW)

    assert response.status_code == 200
    flow = response.context["flow"]
    [row] = [sub for sub in flow.subscriptions if sub.name == HANDLER]
    assert (row.publisher, row.subscriber) == ("sample", "listener")
    assert (row.delivered, row.retrying, row.dead, row.state) == (1, 0, 1, "dead")
    html = response.content.decode()
    assert f'data-subscription="{HANDLER}"' in html
    assert page_of(dead_letter) in html


def test_the_admin_index_and_the_inbox_list_link_to_the_flow_page(admin_client, dead_letter):
    for url in ("/admin/", "/admin/modulith/inboxmessage/"):
        assert FLOW in admin_client.get(url).content.decode(), url
    listing = admin_client.get("/admin/modulith/inboxmessage/").content.decode()
    assert page_of(dead_letter) in listing


def test_the_dead_letter_page_shows_the_envelope_and_traceback_as_written(
    admin_client, dead_letter
):
    response = admin_client.get(page_of(dead_letter))

    assert response.status_code == 200
    html = response.content.decode()
    assert '\n  "type": "shop.sample.thing.happened.v1",\n' in html.replace("&quot;", '"')
    assert "Traceback (most recent call last):\n  File " in html
    assert 'id="dry-run"' in html and 'id="replay"' in html
    # The attempt history lists the failed attempt with its error.
    assert 'id="failed-attempts"' in html
    assert dead_letter.failures[0]["error"] in html.replace("&#x27;", "'")


def test_dry_run_shows_the_error_then_after_a_fix_what_it_would_write(
    admin_client, dead_letter, thing_id
):
    failing = admin_client.post(page_of(dead_letter), {"action": "dry-run"})

    assert "Replaying this now would fail again: PermanentError" in failing.content.decode()

    Repair.objects.create(thing_id=thing_id)
    passing = admin_client.post(page_of(dead_letter), {"action": "dry-run"})

    html = passing.content.decode()
    assert "Replaying this now would succeed: 1 write," in html
    assert "listener_effect" in html
    assert Effect.objects.count() == 0
    dead_letter.refresh_from_db()
    assert dead_letter.status == InboxStatus.DEAD


def test_replay_from_the_page_delivers_once_the_cause_is_fixed(admin_client, dead_letter, thing_id):
    Repair.objects.create(thing_id=thing_id)

    response = admin_client.post(page_of(dead_letter), {"action": "replay"})
    drain()

    assert response.status_code == 302 and response["Location"] == page_of(dead_letter)
    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.replay_count) == (InboxStatus.PROCESSED, 1)
    assert Effect.objects.filter(handler="on_thing_happened").count() == 1


def test_looking_needs_the_view_permission_and_running_handlers_the_change_one(
    client: Client, dead_letter
):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(FLOW).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_inboxmessage"))
    client.force_login(staff)
    assert client.get(FLOW).status_code == 200
    page = client.get(page_of(dead_letter))
    assert page.status_code == 200 and 'id="replay"' not in page.content.decode()
    refused = client.post(page_of(dead_letter), {"action": "dry-run"})
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("text/html")


def test_an_unknown_row_or_database_is_a_404(admin_client, db):
    assert admin_client.get("/admin/modulith/inboxmessage/999999/dead-letter/").status_code == 404
    unknown_db = "/admin/modulith/inboxmessage/1/dead-letter/?database=elsewhere"
    assert admin_client.get(unknown_db).status_code == 404
