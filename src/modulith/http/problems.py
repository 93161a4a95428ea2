"""application/problem+json (RFC 9457) for every error. PLACEHOLDER: completed by the platform work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework.views import exception_handler


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    return exception_handler(exc, context)


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status},
        status=status,
        content_type="application/problem+json",
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _problem(400, "Bad Request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _problem(403, "Forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _problem(404, "Not Found")


def server_error(request: HttpRequest) -> JsonResponse:
    return _problem(500, "Internal Server Error")
