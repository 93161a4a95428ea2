"""Output serializers rendered without being built again for every response.

`OrderOutput(order).data` builds a serializer and deep-copies every declared field into it
(nested serializers included) before rendering a single value; for a read request that copy
cost more than the rendering itself. The fields of an output serializer never change after they
are bound, and rendering reads them without writing, so one bound instance per class renders
every response of the process, from any thread:

    return Response(represent(OrderOutput, order))
    return paginator.get_paginated_response(represent_many(ProductOutput, page))

Rendering itself follows a plan made once per class from the bound fields: for each field, how
to read its value and which function turns it into JSON. A value read straight from an attribute
and of a plain type (text, numbers, UUIDs, date-times, booleans) skips DRF's generic lookup,
which tries mappings, callables and defaults on every field of every object; date-times in ISO
8601 (the setting every serializer here uses) are formatted directly. Everything else (a
mapping, a callable source, a missing attribute, a method field, a serializer overriding
`to_representation`) goes through DRF's own code, so the output is always what `.data` gives.

The serializer stays the one definition of the representation (and of the OpenAPI schema
drf-spectacular derives from it). Only for serializers whose fields need no context: a field
that reads `self.context` (the request, for hyperlinks) would find none.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601
from rest_framework import fields as drf_fields
from rest_framework.relations import PKOnlyObject
from rest_framework.serializers import BaseSerializer, ListSerializer, Serializer
from rest_framework.settings import api_settings

Render = Callable[[Any], Any]

# Values that DRF's attribute lookup would return unchanged: never callables, never mappings.
_PLAIN_TYPES = frozenset(
    {str, int, bool, float, Decimal, uuid.UUID, datetime.datetime, datetime.date}
)
_MISSING = object()


def represent(output: type[Serializer[Any]], instance: Any) -> dict[str, Any]:
    """What `output(instance).data` is, as a plain dict."""
    return _plan(output)(instance)


def represent_many(output: type[Serializer[Any]], instances: Iterable[Any]) -> list[dict[str, Any]]:
    """What `output(instances, many=True).data` is, as a plain list."""
    render = _plan(output)
    return [render(instance) for instance in instances]


@cache
def representation_key(output: type[Serializer[Any]]) -> str:
    """A short name for what `output` renders, for filing its renderings in a shared cache.

    It is a digest of the class's path and of its declaration as the bound serializer describes
    it (every field with its options, nested serializers included), so a field added, renamed
    or retyped gives another key: processes running the new code never serve a body that the
    previous code rendered.
    """
    declaration = f"{output.__module__}.{output.__qualname__}\n{_bound(output)!r}"
    return hashlib.blake2b(declaration.encode(), digest_size=8).hexdigest()


@cache
def _plan(output: type[Serializer[Any]]) -> Render:
    return _render_serializer(_bound(output))


@cache
def _bound(output: type[Serializer[Any]]) -> Serializer[Any]:
    serializer = output()
    _bind_all(serializer)
    return serializer


def _bind_all(serializer: BaseSerializer[Any]) -> None:
    """Bind the fields of the serializer and of every serializer nested in it now, once, so
    that no two threads ever bind them lazily at the same time."""
    if isinstance(serializer, ListSerializer):
        _bind_all(serializer.child)  # type: ignore[arg-type]
    elif isinstance(serializer, Serializer):
        for field in serializer.fields.values():
            if isinstance(field, BaseSerializer):
                _bind_all(field)


# --- The plan ------------------------------------------------------------------------------------


def _render_serializer(serializer: Serializer[Any]) -> Render:
    if type(serializer).to_representation is not Serializer.to_representation:
        return serializer.to_representation  # its own rendering: nothing to plan
    steps = [_step(field) for field in serializer._readable_fields]

    def render(instance: Any) -> dict[str, Any]:
        if isinstance(instance, Mapping):
            return serializer.to_representation(instance)
        result: dict[str, Any] = {}
        for name, read, convert in steps:
            value = read(instance)
            if value is _SKIP:
                continue
            result[name] = None if value is None else convert(value)
        return result

    return render


_SKIP = object()


def _step(field: drf_fields.Field[Any, Any, Any, Any]) -> tuple[str, Render, Render]:
    return field.field_name, _reader(field), _converter(field)  # type: ignore[return-value]


def _reader(field: drf_fields.Field[Any, Any, Any, Any]) -> Render:
    """Reads the field's value from an object (never a mapping: render() sends those to DRF)."""

    def generic(instance: Any) -> Any:
        try:
            value = field.get_attribute(instance)
        except drf_fields.SkipField:
            return _SKIP
        # DRF renders a related field's PKOnlyObject as None when its pk is None.
        if isinstance(value, PKOnlyObject) and value.pk is None:
            return None
        return value

    attrs = field.source_attrs
    if (
        field.source == "*"
        or len(attrs) != 1
        or isinstance(field, drf_fields.SerializerMethodField)
    ):
        return generic
    attr = attrs[0]

    def direct(instance: Any) -> Any:
        try:
            value = getattr(instance, attr, _MISSING)
        except ObjectDoesNotExist:
            return None
        if value is None or type(value) in _PLAIN_TYPES:
            return value
        return generic(instance)  # a callable, a related object, a manager, or missing

    return direct


def _converter(field: drf_fields.Field[Any, Any, Any, Any]) -> Render:
    if isinstance(field, ListSerializer) and isinstance(field.child, Serializer):
        child = _render_serializer(field.child)
        if type(field).to_representation is ListSerializer.to_representation:

            def many(value: Any) -> list[Any]:
                items = value.all() if isinstance(value, BaseManager) else value
                return [child(item) for item in items]

            return many
    elif isinstance(field, Serializer):
        return _render_serializer(field)
    elif type(field) is drf_fields.DateTimeField and _iso_date_times(field):
        return _iso_date_time(field)
    return field.to_representation


def _iso_date_times(field: drf_fields.DateTimeField) -> bool:
    """Whether the field renders ISO 8601 in the current time zone: DRF's default, and ours."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return (
        isinstance(output_format, str)
        and output_format.lower() == ISO_8601
        and not hasattr(field, "timezone")
        and settings.USE_TZ
    )


def _iso_date_time(field: drf_fields.DateTimeField) -> Render:
    def convert(value: Any) -> Any:
        # Naive values, strings and dates take DRF's path (make_aware, checks, pass-through).
        if type(value) is not datetime.datetime or value.utcoffset() is None:
            return field.to_representation(value)
        text = value.astimezone(timezone.get_current_timezone()).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert
