"""The pages people open in a browser, looked at in a real one: the API docs work with nothing
fetched from outside, and an operator can find, dry-run and replay a dead letter."""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

import pytest

from modulith.models import InboxMessage, InboxStatus
from modulith.testing import deliver_to
from tests.browser.conftest import Browsing
from tests.identity.factories import PASSWORD, UserFactory
from tests.modulith.contexts.listener.models import Effect, Repair
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened

pytestmark = pytest.mark.postgres

HANDLER = "listener.on_thing_happened"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/api/docs/", ".swagger-ui .info .title"), ("/api/redoc/", ".api-content h1")],
)
def test_the_api_docs_render_without_any_request_leaving_the_machine(
    browsing: Browsing, path: str, ready: str
) -> None:
    page = browsing.page

    page.goto(browsing.base_url + path)
    page.wait_for_selector(ready, timeout=15_000)
    page.wait_for_load_state("networkidle")
    shot = browsing.screenshot(path.strip("/").replace("/", "-"))

    assert "Shop" in page.inner_text(ready)
    assert browsing.offsite == []
    assert any("/api/schema/" in url for url in browsing.requests)
    assert png_size(shot)[0] == 1280


def test_an_operator_logs_in_finds_a_dead_letter_dry_runs_and_replays_it(
    browsing: Browsing,
) -> None:
    thing_id = uuid.uuid4()
    UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY))
    dead = InboxMessage.objects.get(subscription=HANDLER, status=InboxStatus.DEAD)
    page = browsing.page

    page.goto(browsing.base_url + "/admin/")
    page.fill("#id_username", "ops@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Event flow")
    row = page.locator(f'tr[data-subscription="{HANDLER}"]')
    assert "dead" in row.inner_text()
    browsing.screenshot("event-flow")

    page.click(f"#flow-dead-letters >> text=default#{dead.id}")
    envelope = page.inner_text("#envelope")
    assert '\n  "type": "shop.sample.thing.happened.v1",' in envelope
    assert "Traceback (most recent call last):\n  File " in page.inner_text("#traceback")

    page.click("#dry-run")
    assert "would fail again" in page.inner_text(".verdict")

    Repair.objects.create(thing_id=thing_id)
    page.click("#dry-run")
    assert "would succeed" in page.inner_text(".verdict")
    assert "listener_effect" in page.inner_text("#dry-run-writes")
    shot = browsing.screenshot("dead-letter-dry-run")
    assert Effect.objects.count() == 0

    page.click("#replay")
    assert "Replayed" in page.inner_text(".messagelist")
    dead.refresh_from_db()
    assert dead.status == InboxStatus.PROCESSED
    assert Effect.objects.filter(handler="on_thing_happened").count() == 1
    assert browsing.offsite == []
    assert png_size(shot)[0] == 1280
