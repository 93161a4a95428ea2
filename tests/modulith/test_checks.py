"""System checks modulith.E0xx: each one fires on its violation and says how to fix it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps

from modulith import checks
from modulith.events.declaration import EventSpec
from modulith.events.subscriptions import Subscription
from tests.modulith.conftest import modulith_overrides
from tests.modulith.contexts.sample.events import ThingHappened, ThingMoved

TEST_CONTEXTS = ("tests.modulith.contexts.listener", "tests.modulith.contexts.remote")


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_project_passes_every_kernel_check():
    every_check = [
        checks.check_event_field_types,
        checks.check_subscriptions,
        checks.check_context_modules,
        checks.check_database_routing,
        checks.check_relations_across_contexts,
        checks.check_transports,
        checks.check_retention,
    ]

    assert [message for check in every_check for message in check()] == []


def test_an_event_field_that_is_not_json_representable_is_reported(monkeypatch):
    floaty = dataclasses.make_dataclass(
        "Floaty", [("thing_id", uuid.UUID), ("ratio", float)], frozen=True
    )
    spec = EventSpec(
        cls=floaty,
        type="shop.sample.thing.floated.v1",
        context="sample",
        version=1,
        subject_field="thing_id",
    )
    monkeypatch.setattr(checks, "all_event_specs", lambda: [spec])

    messages = checks.check_event_field_types()

    assert ids(messages) == ["modulith.E001"]
    assert "Floaty.ratio" in messages[0].msg and "no float" in messages[0].hint


def _subscription(handler, event_class=ThingHappened, event_type="shop.sample.thing.happened.v1"):
    return Subscription(
        name=f"listener.{handler.__name__}",
        context_label="listener",
        event_type=event_type,
        event_class=event_class,
        handler=handler,
    )


def test_a_subscription_to_an_event_no_context_publishes_is_reported(monkeypatch):
    def on_ghost(event: ThingHappened) -> None: ...

    ghost = _subscription(on_ghost, event_type="shop.ghost.thing.happened.v1")
    monkeypatch.setattr(checks, "all_subscriptions", lambda: [ghost])

    messages = checks.check_subscriptions()

    assert ids(messages) == ["modulith.E002"]
    assert "'ghost'" in messages[0].msg


def test_a_handler_annotated_with_another_event_is_reported(monkeypatch):
    def on_thing(event: ThingMoved) -> None: ...

    monkeypatch.setattr(checks, "all_subscriptions", lambda: [_subscription(on_thing)])

    messages = checks.check_subscriptions()

    assert ids(messages) == ["modulith.E003"]
    assert "annotates its event as ThingMoved" in messages[0].msg
    assert "def on_thing(event: ThingHappened) -> None" in messages[0].hint


def test_a_handler_without_an_event_annotation_is_reported(monkeypatch):
    def on_thing(event) -> None: ...

    monkeypatch.setattr(checks, "all_subscriptions", lambda: [_subscription(on_thing)])

    assert ids(checks.check_subscriptions()) == ["modulith.E003"]


def test_a_context_without_api_or_events_module_is_reported(monkeypatch):
    bare = SimpleNamespace(name="tests.modulith.contexts", label="bare")
    monkeypatch.setattr(checks, "all_contexts", lambda: [bare])

    messages = checks.check_context_modules()

    assert ids(messages) == ["modulith.E004", "modulith.E004"]
    assert "no api.py" in messages[0].msg and "no events.py" in messages[1].msg


def test_a_context_database_missing_from_databases_is_reported():
    with modulith_overrides(CONTEXT_DATABASES={"listener": "nowhere"}):
        messages = checks.check_database_routing()

    assert "modulith.E008" in ids(messages)


class RouteEverythingToDefault:
    def db_for_write(self, model, **hints):
        return "default"

    def db_for_read(self, model, **hints):
        return "default"


def test_a_context_model_routed_to_another_database_is_reported():
    listener = apps.get_app_config("listener")
    with (
        override_settings(DATABASE_ROUTERS=[RouteEverythingToDefault()]),
        modulith_overrides(CONTEXT_DATABASES={"listener": "listener_db"}),
    ):
        messages = [
            m for model in listener.get_models() for m in checks.routing_errors(model, listener)
        ]

    assert set(ids(messages)) == {"modulith.E005"}
    assert "listener.Effect is routed to database 'default'" in messages[0].msg


@pytest.mark.parametrize(
    "declare",
    [
        lambda: models.ForeignKey("remote.Arrival", on_delete=models.CASCADE),
        lambda: models.OneToOneField("remote.Arrival", on_delete=models.CASCADE),
        lambda: models.ManyToManyField("remote.Arrival"),
    ],
    ids=["foreign key", "one to one", "many to many"],
)
@isolate_apps(*TEST_CONTEXTS)
def test_a_relation_to_another_context_is_reported_even_by_string_reference(declare):
    class Arrival(models.Model):  # noqa: DJ008 - a throw-away model
        class Meta:
            app_label = "remote"

    class Trespasser(models.Model):  # noqa: DJ008 - a throw-away model
        arrival = declare()

        class Meta:
            app_label = "listener"

    listener = Trespasser._meta.app_config

    messages = checks.relation_errors(Trespasser, listener)

    assert ids(messages) == ["modulith.E006"]
    assert "Trespasser.arrival" in messages[0].msg and "to remote" in messages[0].msg
    assert "UUIDField" in messages[0].hint


@isolate_apps(*TEST_CONTEXTS)
def test_a_relation_inside_one_context_is_fine():
    class Parent(models.Model):  # noqa: DJ008 - a throw-away model
        class Meta:
            app_label = "listener"

    class Child(models.Model):  # noqa: DJ008 - a throw-away model
        parent = models.ForeignKey(Parent, on_delete=models.CASCADE)

        class Meta:
            app_label = "listener"

    assert checks.relation_errors(Child, Child._meta.app_config) == []


def test_an_unknown_transport_is_reported():
    with modulith_overrides(EVENT_TRANSPORT="pigeon", CONTEXT_TRANSPORTS={"listener": "smoke"}):
        messages = checks.check_transports()

    assert ids(messages) == ["modulith.E007", "modulith.E007"]
    assert "inprocess, celery" in messages[0].hint


def test_an_inbox_kept_shorter_than_the_redelivery_window_is_reported():
    with modulith_overrides(OUTBOX_RETENTION=timedelta(days=7), INBOX_RETENTION=timedelta(days=2)):
        messages = checks.check_retention()

    assert ids(messages) == ["modulith.E009"]
    assert "INBOX_RETENTION" in messages[0].hint
