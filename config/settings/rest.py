"""Django REST framework and the OpenAPI schema drf-spectacular derives from it."""

from __future__ import annotations

from config.settings.environment import env

# Reverse proxies in front: throttles find the client's address in X-Forwarded-For, and
# config.settings.security trusts X-Forwarded-Proto, only when there is one.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["modulith.http.authentication.StatelessJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["modulith.http.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's negotiation, its answer kept per Accept header, format and renderers.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "modulith.http.negotiation.RememberedContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "modulith.http.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "modulith.http.problems.problem_exception_handler",
    # Throttles key anonymous clients by address. Behind N reverse proxies set NUM_PROXIES=N, or
    # every client shares the proxy's budget; 0 ignores X-Forwarded-For, which clients can forge.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("THROTTLE_TOKEN_RATE", default="20/min"),
        "register": env.str("THROTTLE_REGISTER_RATE", default="10/min"),
        "admin_login": env.str("THROTTLE_ADMIN_LOGIN_RATE", default="20/min"),
        "order": env.str("THROTTLE_ORDER_RATE", default="30/min"),
        "quote": env.str("THROTTLE_QUOTE_RATE", default="60/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop modulith API",
    "DESCRIPTION": "REST API of the shop. Errors are application/problem+json (RFC 9457).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # drf-spectacular's, after the views' annotations are applied (modulith.http.schema).
    "DEFAULT_GENERATOR_CLASS": "modulith.http.openapi.SchemaGenerator",
    # The schema, Swagger UI and ReDoc are public and need no credentials.
    "SERVE_AUTHENTICATION": [],
    "TAGS": [{"name": "health", "description": "Liveness and readiness probes."}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # The Problem schema, and the error responses every operation can answer.
        "modulith.http.openapi.add_problem_responses",
        # "" is valid for a blank-allowing string with a pattern (anyOf, not oneOf).
        "modulith.http.inputs.blank_alternative_any_of",
    ],
}

# Bodies larger than this are refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BYTES", default=1024 * 1024)
