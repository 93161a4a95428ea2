"""`manage.py events`: mistakes are errors that say what went wrong, and --help explains."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from modulith.models import InboxMessage, InboxStatus
from modulith.testing import deliver_to
from tests.modulith.contexts.sample.events import Behaviour, ThingHappened

HANDLER = "listener.on_thing_happened"


@pytest.fixture
def dead_letter(db, thing_id) -> InboxMessage:
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id, behaviour=Behaviour.FAIL_PERMANENTLY))
    return InboxMessage.objects.get(subscription=HANDLER, status=InboxStatus.DEAD)


def test_replaying_an_unknown_id_is_an_error_and_replays_nothing(dead_letter) -> None:
    with pytest.raises(CommandError, match="no dead letter has id 999999"):
        call_command("events", "replay", "--id", str(dead_letter.id), "--id", "999999")

    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.replay_count) == (InboxStatus.DEAD, 0)


def test_replaying_a_row_that_is_not_a_dead_letter_is_an_error(db, thing_id) -> None:
    deliver_to(HANDLER, ThingHappened(thing_id=thing_id))
    processed = InboxMessage.objects.get(subscription=HANDLER)

    with pytest.raises(CommandError, match=f"no dead letter has id {processed.id}"):
        call_command("events", "replay", "--id", str(processed.id))


@pytest.mark.parametrize("action", ["dead", "replay"])
def test_an_unknown_subscription_is_an_error_naming_the_known_ones(db, action) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("events", action, "--subscription", "nope.nope")

    assert "no subscription is named 'nope.nope'" in str(raised.value)
    assert HANDLER in str(raised.value)


def test_an_unknown_database_alias_is_an_error(db) -> None:
    with pytest.raises(CommandError, match="no database alias 'elsewhere'"):
        call_command("events", "replay", "--all", "--database", "elsewhere")


def test_a_known_subscription_without_dead_letters_says_so(db) -> None:
    out = StringIO()

    call_command("events", "dead", "--subscription", HANDLER, stdout=out)

    assert out.getvalue().strip() == "no dead letters"


@pytest.mark.parametrize("action", ["relay", "dead", "replay", "purge", "schedule", "schemas"])
def test_every_action_has_a_description_in_its_help(action, capsys) -> None:
    with pytest.raises(SystemExit):
        call_command("events", action, "--help")

    help_text = capsys.readouterr().out
    usage, _, rest = help_text.partition("\n\n")
    description = rest.split("\n\n")[1]
    assert f"events {action}" in usage
    assert len(description.split()) >= 10, help_text


def test_the_relay_help_shows_the_defaults_it_runs_with(capsys) -> None:
    with pytest.raises(SystemExit):
        call_command("events", "relay", "--help")

    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default: 1.0)" in help_text
    assert "(default: 500)" in help_text
    assert "(default: every database: default" in help_text
