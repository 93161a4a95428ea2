"""Input serializers of every context: strict about unknown fields, cheap on oversized lists.

- `StrictInput` refuses fields it does not declare, so a misspelt or read-only field (a
  `customer_id` in a body) is a 400 instead of being silently dropped; the schema says so with
  `additionalProperties: false` (see StrictInputExtension).
- `BoundedListField` counts a list before it validates any item. DRF's ListField validates every
  item first and checks `max_length` afterwards, so a 1 MB body of 250,000 empty objects cost
  a worker a minute and hundreds of megabytes before being refused. (A ListSerializer, the
  `many=True` form, already counts first.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import get_doc
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

UNKNOWN_FIELD = "This field is not accepted."
# A body of 100,000 unknown keys gets a short answer, not 100,000 errors.
MAX_REPORTED_UNKNOWN_FIELDS = 10


class StrictInput(serializers.Serializer):
    """A serializer for request input that refuses fields it does not know.

    Checked in to_internal_value, not validate(): nested serializers have no initial_data, and
    the unknown names are reported together with the other fields' errors.
    """

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown = (
            [name for name in data if name not in self.fields] if isinstance(data, Mapping) else []
        )
        reported = sorted(unknown[:MAX_REPORTED_UNKNOWN_FIELDS])
        unknown_errors: dict[str, Any] = {str(name): [UNKNOWN_FIELD] for name in reported}
        try:
            value = super().to_internal_value(data)
        except ValidationError as invalid:
            if isinstance(invalid.detail, dict):
                invalid.detail.update(unknown_errors)
            raise
        if unknown_errors:
            raise ValidationError(unknown_errors, code="unknown_field")
        return value


class BoundedListField(serializers.ListField):
    """A ListField that refuses too many items before validating any of them."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictInputExtension(OpenApiSerializerExtension):
    """Every StrictInput is an object schema with `additionalProperties: false`."""

    target_class = StrictInput
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        # A subclass without a docstring of its own would describe itself with this module's.
        if schema.get("description") == get_doc(StrictInput):
            del schema["description"]
        return schema
