"""OpenAPI (drf-spectacular): the Problem schema and the error responses of every operation.

`add_problem_responses` is a postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).
It registers the `Problem` and `ProblemFieldError` schemas and one reusable response per error
status, then gives every operation the error responses it can answer, inferred from the
operation itself:

- 400 when it takes a body or query parameters (malformed JSON, failed validation);
- 401 when it accepts a token; 403 when it requires one;
- 404 when its path has parameters;
- 413 and 415 when it takes a body;
- `default` for anything else (405, 406, 429, 500…).

Responses an operation declares itself win; a declared error response without a body gets the
Problem body. Views need no decoration for any of this.

`SchemaGenerator` is drf-spectacular's, once the views' annotations are applied and the kernel's
extensions registered (SPECTACULAR_SETTINGS["DEFAULT_GENERATOR_CLASS"]).

Only what generates the schema imports this module: it loads drf-spectacular's generator, which
a web process otherwise does without (modulith.http.schema).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator as SpectacularSchemaGenerator

# Defining the extensions registers them with drf-spectacular.
from modulith.http import openapi_extensions  # noqa: F401
from modulith.http.problems import (
    BLANK,
    NON_FIELD_ERRORS,
    PROBLEM_CONTENT_TYPE,
    VALIDATION_ERROR,
)
from modulith.http.schema import apply_annotations

PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Problem details (RFC 9457), the body of every 4xx and 5xx response "
        f"({PROBLEM_CONTENT_TYPE}). `type` is `{BLANK}` when the HTTP status says it all, and "
        f"a stable URI reference otherwise (`{VALIDATION_ERROR}`, …). Problem types may add "
        "members of their own."
    ),
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "Identifies the problem type; compare it, not the title.",
            "example": VALIDATION_ERROR,
        },
        "title": {
            "type": "string",
            "description": "Short summary of the problem type; the same for every occurrence.",
            "example": "Invalid request",
        },
        "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599,
            "description": "The HTTP status code of this response.",
            "example": 400,
        },
        "detail": {
            "type": "string",
            "description": "Explanation of this occurrence, for a human.",
            "example": "The request has 1 invalid value; see errors.",
        },
        "errors": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/ProblemFieldError"},
            "description": f"Present in `{VALIDATION_ERROR}` problems: one item per message.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}

FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "field": {
            "type": "string",
            "description": (
                "Path of the offending value in the request, such as `lines[0].sku`, or "
                f"`{NON_FIELD_ERRORS}` for errors that concern no single field."
            ),
            "example": "lines[0].sku",
        },
        "message": {"type": "string", "example": "This field is required."},
        "code": {
            "type": "string",
            "description": "Machine-readable reason: required, invalid, max_value, …",
            "example": "required",
        },
    },
    "required": ["field", "message", "code"],
}

_VALIDATION_EXAMPLE = {
    "type": VALIDATION_ERROR,
    "title": "Invalid request",
    "status": 400,
    "detail": "The request has 1 invalid value; see errors.",
    "errors": [{"field": "lines[0].sku", "message": "This field is required.", "code": "required"}],
}

# Reusable responses: (component name, description).
RESPONSES: dict[str, tuple[str, str]] = {
    "400": (
        "BadRequest",
        f"Malformed body, or values that fail validation (`{VALIDATION_ERROR}` with `errors`).",
    ),
    "401": ("Unauthorized", "Missing, expired or invalid access token (see WWW-Authenticate)."),
    "403": ("Forbidden", "The caller may not perform this operation."),
    "404": ("NotFound", "No such resource."),
    "413": ("ContentTooLarge", "The body exceeds the configured size limit."),
    "415": ("UnsupportedMediaType", "The body's Content-Type is not accepted."),
    "default": (
        "Problem",
        "Any other error: 405 (with Allow), 406, 429 (with Retry-After), 500, 503.",
    ),
}


def _response_component(code: str, description: str) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": {"$ref": PROBLEM_REF}}
    if code == "400":
        media["examples"] = {"validation": {"value": _VALIDATION_EXAMPLE}}
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: media}}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool, **kwargs: Any
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook; see the module docstring."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM_SCHEMA)
    schemas.setdefault("ProblemFieldError", FIELD_ERROR_SCHEMA)
    responses = components.setdefault("responses", {})
    for code, (name, description) in RESPONSES.items():
        responses.setdefault(name, _response_component(code, description))

    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                _add_to_operation(path, operation)
    return result


def _add_to_operation(path: str, operation: dict[str, Any]) -> None:
    declared: dict[str, Any] = operation["responses"]
    for code, response in declared.items():
        if _is_error(code) and "$ref" not in response and not response.get("content"):
            response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    for code in _error_codes(path, operation):
        if code not in declared:
            declared[code] = {"$ref": f"#/components/responses/{RESPONSES[code][0]}"}


def _is_error(code: str) -> bool:
    return code == "default" or code[:1] in {"4", "5"}


def _error_codes(path: str, operation: dict[str, Any]) -> list[str]:
    has_body = "requestBody" in operation
    parameters = operation.get("parameters", [])
    has_query = any(parameter.get("in") == "query" for parameter in parameters)
    security = operation.get("security", [])
    accepts_token = any(requirement for requirement in security)
    requires_token = accepts_token and {} not in security

    codes = []
    if has_body or has_query:
        codes.append("400")
    if accepts_token:
        codes.append("401")
    if requires_token:
        codes.append("403")
    if "{" in path:
        codes.append("404")
    if has_body:
        codes += ["413", "415"]
    codes.append("default")
    return codes


class SchemaGenerator(SpectacularSchemaGenerator):
    """drf-spectacular's generator; the schema view, `manage.py spectacular`, drf-spectacular's
    deploy check and the contract checks (modulith.architecture.openapi) all use it."""

    def create_view(self, callback: Any, method: str, request: Any = None) -> Any:
        # The first view is created once every endpoint, and so every view module, is loaded
        # and before any view's schema is read: the moment to apply what was annotated.
        apply_annotations()
        return super().create_view(callback, method, request)
