"""modulith.http.representation: output serializers bound once, rendering what DRF renders."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from types import SimpleNamespace
from uuid import UUID

from rest_framework import serializers

from modulith.http import representation
from modulith.http.representation import represent, represent_many


class LineOutput(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)


class AddressOutput(serializers.Serializer):
    city = serializers.CharField(source="address_city")


class ThingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[("open", "Open"), ("done", "Done")])
    active = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    placed_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    lines = LineOutput(many=True)
    address = AddressOutput(source="*")


def thing(number: int) -> SimpleNamespace:
    return SimpleNamespace(
        id=UUID(int=number),
        status="open",
        active=bool(number % 2),
        total=Decimal("12.5"),
        placed_at=datetime.datetime(2026, 12, 5, 10, number, tzinfo=datetime.UTC),
        closed_at=None,
        lines=[
            SimpleNamespace(sku=f"SKU-{number}", quantity=2, price=Decimal("3.1")),
            SimpleNamespace(sku="TEA-001", quantity=1, price=Decimal("6.25")),
        ],
        address_city="Berlin",
    )


def test_represent_renders_what_the_serializer_renders() -> None:
    assert represent(ThingOutput, thing(1)) == ThingOutput(thing(1)).data
    assert represent(ThingOutput, thing(1))["placed_at"] == "2026-12-05T10:01:00Z"
    assert represent(ThingOutput, thing(1))["lines"][0]["price"] == "3.10"


def test_represent_many_renders_what_many_true_renders() -> None:
    things = [thing(number) for number in range(5)]
    assert represent_many(ThingOutput, things) == ThingOutput(things, many=True).data
    assert represent_many(ThingOutput, []) == []


def test_each_output_class_is_bound_once() -> None:
    represent(ThingOutput, thing(1))
    bound = representation._bound(ThingOutput)
    represent_many(ThingOutput, [thing(2), thing(3)])
    assert representation._bound(ThingOutput) is bound
    # Nested serializers were bound up front, so no thread binds them lazily later.
    assert "fields" in bound.fields["lines"].child.__dict__
    assert "fields" in bound.fields["address"].__dict__


def test_threads_share_the_bound_serializer() -> None:
    things = [thing(number) for number in range(40)]
    expected = [ThingOutput(item).data for item in things]
    with ThreadPoolExecutor(8) as pool:
        rendered = list(pool.map(lambda item: represent(ThingOutput, item), things))
    assert rendered == expected


def test_the_representation_key_changes_with_the_declaration_and_only_with_it() -> None:
    def declared(**fields: serializers.Field) -> type[serializers.Serializer]:
        # The same class path each time, as the next deploy of one module would have.
        return type("ThingOutput", (serializers.Serializer,), {"__module__": __name__, **fields})

    key = representation.representation_key

    assert key(declared(sku=serializers.CharField())) == key(declared(sku=serializers.CharField()))
    assert key(declared(sku=serializers.CharField())) != key(
        declared(sku=serializers.CharField(), name=serializers.CharField())
    )
    assert key(declared(sku=serializers.CharField())) != key(
        declared(sku=serializers.IntegerField())
    )
    assert key(ThingOutput) != key(LineOutput)
