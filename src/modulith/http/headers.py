"""Security headers for the HTML pages the server renders: the admin, the API docs, the home page.

The JSON API needs no Content-Security-Policy (browsers do not render it), but the pages do: the
policy only lets them load scripts, styles, images and fonts from this server (all of them are
served by it: WhiteNoise and drf-spectacular-sidecar). Styles may be inline: the admin's templates
and ReDoc's generated styles use them. Scripts may not: Swagger UI is served with its start-up
script as a file of its own (drf-spectacular's split view) for that reason.

Cross-Origin-Opener-Policy is SecurityMiddleware's (SECURE_CROSS_ORIGIN_OPENER_POLICY,
same-origin) on every answer; drf-spectacular's plain Swagger view would set `unsafe-none`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        # Only this server's images: ReDoc's footer logo from its CDN is refused without a request.
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # ReDoc parses the schema in a web worker it creates from a blob.
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every HTML answer that does not set a policy itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        content_type = str(response.get("Content-Type", ""))
        if content_type.startswith("text/html") and not response.has_header(
            "Content-Security-Policy"
        ):
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
