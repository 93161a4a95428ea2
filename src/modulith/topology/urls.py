"""Which routes this service mounts, and the answer to a request meant for another service.

Only the contexts this service hosts get their REST routes (/api/<context>/) and internal api
routes (/internal/api/<context>/). A request for a context hosted elsewhere is answered with a
421 Misdirected Request problem naming the service that serves it (a gateway or client sent it
to the wrong place), never with an empty or misleading answer.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path

from modulith.http.problems import problem_response
from modulith.topology.placement import current_service

MISDIRECTED = 421


def hosted_context_apps(context_apps: list[str]) -> list[tuple[str, str]]:
    """(label, app module) of the contexts in `context_apps` that this service hosts."""
    view = current_service()
    hosted = None if view is None else set(view.local_contexts)
    labelled = [(app.rsplit(".", 1)[-1], app) for app in context_apps]
    return [(label, app) for label, app in labelled if hosted is None or label in hosted]


def serves_admin() -> bool:
    """The admin is served by the home service only (the one whose database holds users)."""
    view = current_service()
    return view is None or view.is_home


def misdirected_patterns() -> list[URLPattern]:
    """Catch-all routes for the contexts hosted by other services."""
    view = current_service()
    if view is None:
        return []
    patterns = []
    for context, service in view.remote_contexts.items():
        for prefix in ("api", "internal/api"):
            patterns.append(
                re_path(
                    rf"^{prefix}/{context}/",
                    misdirected,
                    kwargs={"context": context, "service": service},
                    name=f"misdirected-{prefix.replace('/', '-')}-{context}",
                )
            )
    return patterns


def misdirected(request: HttpRequest, *, context: str, service: str) -> HttpResponse:
    view = current_service()
    assert view is not None
    url = view.placement.topology.service(service).url()
    return problem_response(
        MISDIRECTED,
        f"{context} is served by service {service!r} ({url}), not by this service "
        f"({view.name!r}) of topology {view.placement.topology.name!r}. Send the request to "
        f"{service!r}, or through the gateway.",
        service=service,
    )
