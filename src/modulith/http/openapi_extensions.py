"""drf-spectacular's extensions for the kernel's classes: how the schema draws request strings,
decimals, StrictInput and the access-token authentication.

Defining them registers them with drf-spectacular. Only modulith.http.openapi imports this
module, when a schema is generated: drf-spectacular's plumbing, which the extensions build on,
imports DRF's and Django's test clients, which a web process has no use for
(modulith.http.schema, docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object, get_doc
from rest_framework import serializers

from modulith.http.authentication import StatelessJWTAuthentication
from modulith.http.inputs import NO_NUL_PATTERN, NOT_BLANK_PATTERN, StrictInput, decimal_pattern


class CharFieldExtension(OpenApiSerializerFieldExtension):
    """A request's CharField: a string without U+0000, as DRF's ProhibitNullCharactersValidator
    enforces, and not only white space where DRF trims it and refuses blank. A field with a
    RegexValidator keeps that pattern (drf-spectacular writes it), which must then refuse both
    itself. Answers keep drf-spectacular's schema."""

    target_class = serializers.CharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        has_pattern = "pattern" in schema or any(
            isinstance(validator, RegexValidator) for validator in field.validators
        )
        if direction == "request" and schema.get("type") == "string" and not has_pattern:
            blank_refused = field.trim_whitespace and not field.allow_blank
            schema["pattern"] = NOT_BLANK_PATTERN if blank_refused else NO_NUL_PATTERN
        return schema


class DecimalStringExtension(OpenApiSerializerFieldExtension):
    """A DecimalField's schema: a string matching decimal_pattern (drf-spectacular's own pattern
    lets "" and "." through)."""

    target_class = serializers.DecimalField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        # COERCE_DECIMAL_TO_STRING is on: decimals are strings both ways.
        return {"type": "string", "format": "decimal", "pattern": decimal_pattern(self.target)}


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


class StatelessJWTScheme(OpenApiAuthenticationExtension):
    """Shows StatelessJWTAuthentication in the OpenAPI schema as an HTTP bearer JWT scheme."""

    target_class = StatelessJWTAuthentication
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition = build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION", token_prefix="Bearer", bearer_format="JWT"
        )
        definition["description"] = (
            "RS256 access token from POST /api/identity/token/; verify it with the keys at "
            "/.well-known/jwks.json."
        )
        return definition
