"""Every URL of the shop. Each context serves its own routes under /api/<context>/, in the service
that hosts it (config/topologies/); the admin is served where identity is hosted."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from contexts.identity.rest.urls import well_known_urlpatterns
from modulith.http import health, metrics, problems
from modulith.http.schema import lazy_view
from modulith.http.throttling import throttled_by_address
from modulith.remote.views import ServiceKeySetView
from modulith.topology.urls import hosted_context_apps, misdirected_patterns, serves_admin

handler400 = problems.bad_request
handler403 = problems.permission_denied
handler404 = problems.not_found
handler500 = problems.server_error

urlpatterns = [
    path("", TemplateView.as_view(template_name="modulith/home.html"), name="home"),
    path("health/", health.LivenessView.as_view(), name="health-live"),
    path("health/ready/", health.ReadinessView.as_view(), name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path(".well-known/", include(well_known_urlpatterns)),
    path(".well-known/service-jwks.json", ServiceKeySetView.as_view(), name="service-jwks"),
    # The schema's views load drf-spectacular's generator at their first request, not before
    # (modulith.http.schema).
    path("api/schema/", lazy_view("drf_spectacular.views.SpectacularAPIView"), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline one.
    path(
        "api/docs/",
        lazy_view("drf_spectacular.views.SpectacularSwaggerSplitView", url_name="schema"),
        name="swagger-ui",
    ),
    path("api/redoc/", lazy_view("modulith.http.redoc.RedocView", url_name="schema"), name="redoc"),
    # Requests for contexts hosted by another service: a 421 problem naming that service.
    *misdirected_patterns(),
    path("internal/api/", include("modulith.remote.urls")),
]
if serves_admin():
    urlpatterns += [
        # The admin's log-in form is throttled per address like the token endpoint (THROTTLE_*).
        path("admin/login/", throttled_by_address(admin.site.login, scope="admin_login")),
        path("admin/", admin.site.urls),
    ]

for context, app in hosted_context_apps(settings.CONTEXT_APPS):
    urlpatterns.append(path(f"api/{context}/", include(f"{app}.rest.urls")))
