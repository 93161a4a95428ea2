"""Correlation ids: taken from (or given to) each request, carried into every event it causes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from modulith.events.envelope import current_correlation_id

HEADER = "X-Correlation-ID"
# Accept a caller's id only if it is short and harmless to log.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class CorrelationIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        correlation_id = incoming if _ACCEPTABLE.match(incoming) else str(uuid.uuid4())
        # Django logs "Not Found"/"Bad Request" after this middleware returns; the log filter
        # finds the id on the request then.
        request.correlation_id = correlation_id  # type: ignore[attr-defined]
        token = current_correlation_id.set(correlation_id)
        try:
            response = self.get_response(request)
        finally:
            current_correlation_id.reset(token)
        response[HEADER] = correlation_id
        return response
