"""Event contracts: committed JSON Schemas, and the gate against breaking changes."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from modulith.contexts.registry import all_contexts
from modulith.events.contracts import compare_with_snapshots, contracts_dir, write_snapshots
from modulith.events.declaration import EventSpec, all_event_specs
from tests.modulith.conftest import modulith_overrides

V1 = "shop.sample.parcel.sent.v1"


def spec(fields, event_type=V1) -> EventSpec:
    cls = dataclasses.make_dataclass("ParcelSent", fields, frozen=True)
    return EventSpec(
        cls=cls, type=event_type, context="sample", version=1, subject_field="parcel_id"
    )


ORIGINAL = [("parcel_id", uuid.UUID), ("weight", Decimal), ("sent_at", datetime)]


@pytest.fixture
def committed(tmp_path):
    write_snapshots([spec(ORIGINAL)], tmp_path)
    return tmp_path


def test_the_committed_snapshots_match_every_event_the_shop_publishes():
    project = {context.label for context in all_contexts() if context.name.startswith("contexts.")}
    specs = [spec for spec in all_event_specs() if spec.context in project]

    report = compare_with_snapshots(specs, contracts_dir())

    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize(
    ("changed_fields", "problem"),
    [
        ([("parcel_id", uuid.UUID), ("sent_at", datetime)], "data.weight was removed"),
        (
            [("parcel_id", uuid.UUID), ("weight", int), ("sent_at", datetime)],
            "data.weight changed type from string (decimal) to integer",
        ),
        ([*ORIGINAL, ("carrier", str)], "data.carrier is a new required field"),
        (
            [("parcel_id", uuid.UUID), ("weight", Decimal | None), ("sent_at", datetime)],
            "data.weight now also allows null",
        ),
    ],
    ids=["field removed", "type changed", "required field added", "became nullable"],
)
def test_a_backward_incompatible_change_fails_unless_the_version_is_bumped(
    committed, changed_fields, problem
):
    same_version = compare_with_snapshots([spec(changed_fields)], committed)
    bumped = compare_with_snapshots([spec(changed_fields, "shop.sample.parcel.sent.v2")], committed)

    assert problem in same_version.breaking[V1]
    assert not same_version.ok
    assert bumped.breaking == {} and bumped.missing == ["shop.sample.parcel.sent.v2"]
    assert bumped.retired == [V1]


def test_an_optional_field_is_a_compatible_change_that_only_refreshes_the_snapshot(committed):
    changed = spec([*ORIGINAL, ("note", str, dataclasses.field(default=""))])

    report = compare_with_snapshots([changed], committed)
    written, _ = write_snapshots([changed], committed)

    assert report.breaking == {} and report.outdated == [V1]
    assert written == [V1]
    assert compare_with_snapshots([changed], committed).ok


def test_writing_refuses_to_overwrite_a_breaking_change(committed):
    broken = spec([("parcel_id", uuid.UUID)])

    written, report = write_snapshots([broken], committed)

    assert written == [] and V1 in report.breaking
    assert not compare_with_snapshots([broken], committed).ok


def test_the_schemas_command_checks_and_writes_snapshots(tmp_path):
    with modulith_overrides(EVENT_CONTRACTS_DIR=str(tmp_path)):
        with pytest.raises(CommandError, match="differ from the committed snapshots"):
            call_command("events", "schemas", "--check", stdout=StringIO())
        call_command("events", "schemas", "--write", stdout=StringIO())
        out = StringIO()
        call_command("events", "schemas", "--check", stdout=out)

    assert (tmp_path / "shop.orders.order.placed.v1.json").exists()
    assert "match" in out.getvalue()
