"""GET /metrics: the event kernel's gauges in the Prometheus exposition format.

Off unless settings.METRICS_ENABLED (a 404 problem then, as if there were no such page). With
settings.METRICS_TOKEN set, the scraper must send `Authorization: Bearer <token>`, otherwise
401. A plain Django view, not a DRF one: it belongs to operations, not to any context's REST
contract, and it needs neither JWTs nor the OpenAPI schema.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from modulith.http.problems import problem_response
from modulith.ops.metrics import exposition


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    # Constant time: the comparison must not reveal how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "METRICS_ENABLED", settings.DEBUG):
        return problem_response(404, "Metrics are not enabled on this server.")
    token = getattr(settings, "METRICS_TOKEN", "")
    if token and not _authorized(request, token):
        return problem_response(
            401,
            "Send the metrics token as `Authorization: Bearer <token>`.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body, content_type = exposition(request.headers.get("Accept", ""))
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})
