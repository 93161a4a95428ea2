"""ReDoc, served from this server alone. The URLconf names the view by its path
(modulith.http.schema.lazy_view): drf-spectacular's views load its generator."""

from __future__ import annotations

from drf_spectacular.views import SpectacularRedocView


class RedocView(SpectacularRedocView):
    """ReDoc served entirely from this server (drf-spectacular-sidecar), without web fonts.

    ReDoc's bundle shows a logo from cdn.redoc.ly in its sidebar footer, unconditionally. The
    Content-Security-Policy of every HTML page (modulith.http.headers) allows images from this
    server only, so the browser refuses that one without sending the request, and ReDoc hides
    the image when it fails to load.
    """

    template_name = "modulith/redoc.html"
