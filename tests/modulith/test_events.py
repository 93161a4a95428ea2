"""Declaring events and encoding them (unit tests: no database)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, make_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from modulith import event
from modulith.events import declaration
from modulith.events.declaration import EventDeclarationError, spec_for_class
from tests.modulith.contexts.sample.events import Behaviour, Part, ThingValued


def a_valued_thing() -> ThingValued:
    return ThingValued(
        thing_id=uuid.uuid4(),
        owner_id=None,
        amount=Decimal("1234567890.10"),
        currency="EUR",
        count=3,
        fragile=True,
        behaviour=Behaviour.SLOW,
        valued_at=datetime(2026, 11, 21, 6, 30, 15, 123456, tzinfo=UTC),
        valid_until=date(2027, 1, 31),
        parts=(Part(label="lid", quantity=2, unit_price=Decimal("0.05")),),
        tags=("blue", "small"),
    )


def test_an_event_gets_a_versioned_type_and_its_context_from_the_declaration():
    spec = spec_for_class(ThingValued)

    assert (spec.type, spec.context, spec.version) == ("shop.sample.thing.valued.v1", "sample", 1)


def test_encoding_then_decoding_an_event_through_json_is_lossless():
    original = a_valued_thing()
    spec = spec_for_class(ThingValued)

    decoded = spec.decode(json.loads(json.dumps(spec.encode(original))))

    assert decoded == original
    assert isinstance(decoded.amount, Decimal) and str(decoded.amount) == "1234567890.10"
    assert isinstance(decoded.thing_id, uuid.UUID)
    assert isinstance(decoded.parts, tuple) and isinstance(decoded.parts[0], Part)


def test_decimals_travel_as_strings_so_no_digit_is_rounded():
    data = spec_for_class(ThingValued).encode(a_valued_thing())

    assert data["amount"] == "1234567890.10"
    assert data["parts"][0]["unit_price"] == "0.05"


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events declared by the test are forgotten afterwards."""
    monkeypatch.setattr(declaration, "_BY_TYPE", dict(declaration._BY_TYPE))
    monkeypatch.setattr(declaration, "_BY_CLASS", dict(declaration._BY_CLASS))


@pytest.mark.parametrize("bad_type", [float, list[str], dict[str, int], object, set[int], bytes])
def test_a_field_that_is_not_json_representable_is_recorded_and_refused_when_sent(
    bad_type, scratch_registry
):
    broken = make_dataclass("Broken", [("thing_id", uuid.UUID), ("value", bad_type)], frozen=True)

    event("shop.sample.thing.broken.v1", subject="thing_id")(broken)

    spec = spec_for_class(broken)
    assert len(spec.problems) == 1
    assert spec.problems[0].startswith("Broken.value:")
    with pytest.raises(EventDeclarationError, match="cannot be sent"):
        spec.encode(broken(thing_id=uuid.uuid4(), value=None))


def test_an_event_must_be_a_frozen_dataclass():
    @dataclass
    class Mutable:
        thing_id: uuid.UUID

    with pytest.raises(EventDeclarationError, match="frozen dataclass"):
        event("shop.sample.thing.mutable.v1", subject="thing_id")(Mutable)


@pytest.mark.parametrize(
    "event_type",
    ["sample.thing.happened.v1", "shop.sample.thing.happened", "shop.Sample.thing.happened.v1"],
)
def test_an_event_type_must_follow_the_naming_scheme(event_type):
    with pytest.raises(EventDeclarationError, match="not a valid event type"):
        event(event_type, subject="thing_id")
