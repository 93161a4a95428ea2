"""Input serializers of every context: strict about unknown fields, cheap on oversized lists.

- `StrictInput` refuses fields it does not declare, so a misspelt or read-only field (a
  `customer_id` in a body) is a 400 instead of being silently dropped; the schema says so with
  `additionalProperties: false` (modulith.http.openapi_extensions). It also refuses a value of
  another JSON type than the schema states, which DRF would coerce: `"sku": 7` (a number for a
  string), `"quantity": "2"`, `"quantity": true`, `"active": "yes"`, a number for a decimal
  string.
- `BoundedListField` counts a list before it validates any item. DRF's ListField validates every
  item first and checks `max_length` afterwards, so a 1 MB body of 250,000 empty objects cost
  a worker a minute and hundreds of megabytes before being refused. (A ListSerializer, the
  `many=True` form, already counts first.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

UNKNOWN_FIELD = "This field is not accepted."
# A body of 100,000 unknown keys gets a short answer, not 100,000 errors.
MAX_REPORTED_UNKNOWN_FIELDS = 10


def refuse_unknown_query_parameters(query: Mapping[str, Any], accepted: Iterable[str]) -> None:
    """A 400 naming the query parameters outside `accepted`: like unknown body fields, they are
    refused rather than ignored, so a misspelt filter never silently lists everything."""
    allowed = set(accepted)
    unknown = sorted(name for name in query if name not in allowed)[:MAX_REPORTED_UNKNOWN_FIELDS]
    if unknown:
        raise ValidationError({name: [UNKNOWN_FIELD] for name in unknown}, code="invalid")


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
        if isinstance(data, Mapping):
            unknown_errors.update(self._json_type_errors(data))
        try:
            value = super().to_internal_value(data)
        except ValidationError as invalid:
            if isinstance(invalid.detail, dict):
                invalid.detail.update(unknown_errors)
            raise
        if unknown_errors:
            raise ValidationError(unknown_errors, code="invalid")
        return value

    def _json_type_errors(self, data: Mapping[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = data.get(name)
            if field.read_only or value is None:
                continue  # absent, or null: the field's own required/allow_null rules decide
            expected = _json_type_of(field)
            if expected is not None and not _is_json_type(value, expected):
                errors[name] = [ErrorDetail(f"Must be a JSON {expected}.", code="invalid_type")]
            elif isinstance(field, serializers.DecimalField) and not re.fullmatch(
                decimal_pattern(field), value
            ):
                # DRF's Decimal() would also take "1e3", " 5", "+5" and other digits than 0-9.
                errors[name] = [
                    ErrorDetail("Must be a decimal number such as 12.50.", code="invalid")
                ]
        return errors


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The decimal strings `field` accepts, as a regular expression (also the schema's pattern).

    At most max_digits - decimal_places whole digits and decimal_places decimals, ASCII digits
    only. A min_value of 0 drops the sign; a min_value of one unit of the last decimal (0.01 for
    two decimals) also refuses zero, so that prices are positive by the pattern alone.
    """
    places = field.decimal_places if field.decimal_places is not None else 2
    whole = (field.max_digits - places) if field.max_digits is not None else 20
    fraction = rf"\.[0-9]{{0,{places}}}" if places else ""
    unsigned = (
        rf"(?:[0-9]{{1,{whole}}}(?:{fraction})?|\.[0-9]{{1,{places}}})"
        if places
        else (rf"[0-9]{{1,{whole}}}")
    )
    smallest = Decimal(1).scaleb(-places)
    if field.min_value is not None and places and Decimal(field.min_value) == smallest:
        nonzero_fraction = "|".join(
            "0" * zeros + "[1-9]" + f"[0-9]{{0,{places - 1 - zeros}}}" for zeros in range(places)
        )
        positive = rf"(?:0*[1-9][0-9]{{0,{whole - 1}}}(?:{fraction})?|0*\.(?:{nonzero_fraction}))"
        return rf"^{positive}$"
    if field.min_value is not None and Decimal(field.min_value) >= 0:
        return rf"^{unsigned}$"
    return rf"^-?{unsigned}$"


# DRF's CharField refuses U+0000 in every string (PostgreSQL's text cannot store it); the schema
# says so on every string a request may carry that has no stricter pattern of its own.
NO_NUL_PATTERN = "^[^\\u0000]*$"
# A CharField that trims and does not allow blank also refuses a string of only white space. Its
# pattern asks for one other character; the white space Python strips is spelled out beside \s,
# as ECMA's \s lacks U+001C-U+001F and U+0085.
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"


def blank_alternative_any_of(
    result: dict[str, Any], generator: Any, request: Any, public: bool, **kwargs: Any
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a string field that allows blank and has a pattern is
    drawn as `oneOf: [the string, an empty string]`; "" matches both when the pattern allows it,
    which makes "" invalid under oneOf. anyOf says what the field accepts."""
    empty = {"type": "string", "maxLength": 0}
    fields = [
        prop
        for schema in result.get("components", {}).get("schemas", {}).values()
        for prop in schema.get("properties", {}).values()
    ] + [
        parameter.get("schema", {})
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
    ]
    for field in fields:
        if empty in field.get("oneOf", []):
            field["anyOf"] = field.pop("oneOf")
    return result


# JSON type of the value each field takes, as the schema states it; fields not listed are left to
# their own validation (nested serializers and lists already refuse other types).
_JSON_TYPES: tuple[tuple[type[serializers.Field], str], ...] = (
    (serializers.BooleanField, "boolean"),
    (serializers.IntegerField, "integer"),
    (serializers.FloatField, "number"),
    (serializers.CharField, "string"),
    (serializers.DecimalField, "string"),
    (serializers.UUIDField, "string"),
    (serializers.DateTimeField, "string"),
    (serializers.ChoiceField, "string"),
)


def _json_type_of(field: serializers.Field) -> str | None:
    return next((name for kind, name in _JSON_TYPES if isinstance(field, kind)), None)


def _is_json_type(value: Any, expected: str) -> bool:
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


class BoundedListField(serializers.ListField):
    """A ListField that refuses too many items before validating any of them."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)
