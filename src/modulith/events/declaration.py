"""Typed events: declaration, the registry of event types, and the pydantic-backed codec."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from pydantic import TypeAdapter

E = TypeVar("E")

# shop.<context>.<subject>.<action>.v<N>; the first segment is the system's name.
EVENT_TYPE_PATTERN = re.compile(
    r"^(?P<system>[a-z][a-z0-9_]*)\.(?P<context>[a-z][a-z0-9_]*)\."
    r"(?P<subject>[a-z][a-z0-9_]*)\.(?P<action>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)$"
)

# Lossless in JSON. float is left out on purpose: money and quantities must not round.
SCALAR_TYPES: tuple[type, ...] = (
    str,
    int,
    bool,
    Decimal,
    uuid.UUID,
    datetime.datetime,
    datetime.date,
)


class EventDeclarationError(TypeError):
    """An event class breaks the rules for events (rule 11, docs/rules.md#rule-11)."""


@dataclass(frozen=True)
class EventSpec:
    """What modulith knows about one event class."""

    cls: type
    type: str
    context: str
    version: int
    subject_field: str
    # Why the class cannot be an event, if it cannot: system check modulith.E001 reports these
    # instead of the import failing, and encoding refuses the event.
    problems: tuple[str, ...] = ()

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.cls)

    def encode(self, event: object) -> dict[str, Any]:
        if self.problems:
            raise EventDeclarationError(
                f"{self.cls.__qualname__} cannot be sent: {'; '.join(self.problems)}."
            )
        data = self.adapter.dump_python(event, mode="json")
        assert isinstance(data, dict)
        return data

    def decode(self, data: dict[str, Any]) -> Any:
        return self.adapter.validate_python(data)

    def json_schema(self) -> dict[str, Any]:
        return self.adapter.json_schema()

    def subject_of(self, event: object) -> str:
        return str(getattr(event, self.subject_field))


_BY_TYPE: dict[str, EventSpec] = {}
_BY_CLASS: dict[type, EventSpec] = {}


def unsupported_field_types(cls: type) -> list[str]:
    """Describe every field of a dataclass whose type is not JSON-representable ([] if none)."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError, AttributeError) as error:  # e.g. a name that is not imported
        return [f"{cls.__name__}: its annotations cannot be resolved ({error})"]
    problems: list[str] = []
    for field in dataclasses.fields(cls):
        if not _is_json_representable(hints[field.name]):
            problems.append(f"{cls.__name__}.{field.name}: {hints[field.name]!r}")
    return problems


def _is_json_representable(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _is_json_representable(args[0])
        return all(_is_json_representable(arg) for arg in args)
    if origin in (typing.Union, types.UnionType):
        return all(arg is type(None) or _is_json_representable(arg) for arg in args)
    if origin is typing.Literal:
        return all(isinstance(arg, str | int | bool) for arg in args)
    if not isinstance(hint, type):
        return False
    if issubclass(hint, enum.Enum):
        return all(isinstance(member.value, str | int) for member in hint)
    if dataclasses.is_dataclass(hint):
        return _is_frozen_dataclass(hint) and not unsupported_field_types(hint)
    return hint in SCALAR_TYPES


def _is_frozen_dataclass(cls: type) -> bool:
    params = getattr(cls, "__dataclass_params__", None)
    return dataclasses.is_dataclass(cls) and bool(params and params.frozen)


@typing.dataclass_transform(frozen_default=True)
def event(event_type: str, *, subject: str) -> Callable[[type[E]], type[E]]:
    """Declare a class as an event, which makes it a frozen dataclass:

        @event("shop.orders.order.placed.v1", subject="order_id")
        class OrderPlaced:
            order_id: UUID
            ...

    A class that is a dataclass already (a field group it extends, or `@dataclass` below
    `@event`) is taken as it is, and must then be frozen. `subject` names the field that holds
    the aggregate's id (the envelope's `subject`).
    """
    match = EVENT_TYPE_PATTERN.match(event_type)
    if match is None:
        raise EventDeclarationError(
            f"{event_type!r} is not a valid event type; use "
            "'<system>.<context>.<subject>.<action>.v<N>', e.g. 'shop.orders.order.placed.v1'."
        )

    def declare(cls: type[E]) -> type[E]:
        if "__dataclass_fields__" not in cls.__dict__:
            cls = dataclasses.dataclass(frozen=True)(cls)
        if not _is_frozen_dataclass(cls):
            raise EventDeclarationError(
                f"{cls.__qualname__} must be a frozen dataclass: remove the @dataclass below "
                "@event (which makes it one), or make it @dataclass(frozen=True)."
            )
        # Field types are reported by system check modulith.E001 rather than raised here: an
        # error at import time would crash `manage.py check` before it could report anything.
        problems = tuple(unsupported_field_types(cls))
        if subject not in {field.name for field in dataclasses.fields(cls)}:  # type: ignore[arg-type]
            raise EventDeclarationError(f"{cls.__qualname__} has no field {subject!r} for subject.")
        existing = _BY_TYPE.get(event_type)
        if existing is not None and existing.cls.__qualname__ != cls.__qualname__:
            raise EventDeclarationError(
                f"{event_type} is declared twice: {existing.cls.__qualname__} and "
                f"{cls.__qualname__}."
            )
        spec = EventSpec(
            cls=cls,
            type=event_type,
            context=match["context"],
            version=int(match["version"]),
            subject_field=subject,
            problems=problems,
        )
        _BY_TYPE[event_type] = spec
        _BY_CLASS[cls] = spec
        cls.__event_spec__ = spec  # type: ignore[attr-defined]
        return cls

    return declare


class UnknownEventError(LookupError):
    pass


def spec_for_type(event_type: str) -> EventSpec:
    try:
        return _BY_TYPE[event_type]
    except KeyError:
        raise UnknownEventError(f"No event is declared with type {event_type!r}.") from None


def spec_for_class(cls: type) -> EventSpec:
    try:
        return _BY_CLASS[cls]
    except KeyError:
        raise UnknownEventError(
            f"{cls.__qualname__} is not an event: declare it with @modulith.event(...)."
        ) from None


def all_event_specs() -> list[EventSpec]:
    return sorted(_BY_TYPE.values(), key=lambda spec: spec.type)
