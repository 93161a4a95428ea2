"""Liveness and readiness probes.

- GET /health/        liveness: the process answers HTTP. Touches no dependency, so a database
                      outage never gets healthy web processes restarted.
- GET /health/ready/  readiness: every configured database alias, every shared cache and the
                      Celery broker (when one is configured) answer within a short timeout.
                      200 when all do, 503 otherwise, with one status per check.

Both are open (no authentication, no throttling) and say nothing about a failure beyond the
exception's class; the details go to the log. Like every error, the 503 is a problem
(application/problem+json, type /problems/not-ready) whose `checks` member holds the results.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.utils import load_backend
from django.http import HttpResponseBase
from kombu import Connection
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modulith.http.problems import PROBLEM_CONTENT_TYPE, problem_response
from modulith.http.schema import extend_schema
from modulith.settings import IN_PROCESS_CACHES

logger = logging.getLogger(__name__)

# Seconds each dependency gets to answer. Probes usually time out after a few seconds.
CHECK_TIMEOUT = 2


OK = "ok"
ERROR = "error"
NOT_READY = "/problems/not-ready"

_NO_STORE = {"Cache-Control": "no-store"}


# --- Checks -------------------------------------------------------------------------------------


def check_database(alias: str) -> None:
    """Open a fresh connection to `alias` with a short connect timeout and run SELECT 1.

    A fresh connection, not the thread's own: the probe must not disturb (or be fooled by) a
    connection kept open across requests.
    """
    settings_dict = connections[alias].settings_dict
    options = dict(settings_dict.get("OPTIONS") or {})
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = CHECK_TIMEOUT
    backend = load_backend(settings_dict["ENGINE"])
    connection = backend.DatabaseWrapper({**settings_dict, "OPTIONS": options}, alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_cache(alias: str) -> None:
    """Write and read back a short-lived key (the cache's own socket timeouts apply)."""
    cache = caches[alias]
    key = "modulith:health:ready"
    cache.set(key, "ok", timeout=CHECK_TIMEOUT * 5)
    if cache.get(key) != "ok":
        raise RuntimeError(f"cache {alias!r} did not return the value just written")


def check_broker(url: str) -> None:
    """Connect to the Celery broker once, without kombu's retry loop."""
    with Connection(
        url,
        connect_timeout=CHECK_TIMEOUT,
        transport_options={
            "socket_connect_timeout": CHECK_TIMEOUT,
            "socket_timeout": CHECK_TIMEOUT,
        },
    ) as connection:
        connection.ensure_connection(max_retries=0)


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The checks the current settings call for, by name (`database:<alias>`, …)."""
    checks: dict[str, Callable[[], None]] = {}
    for alias in settings.DATABASES:
        checks[f"database:{alias}"] = partial(check_database, alias)
    for alias, config in settings.CACHES.items():
        if config.get("BACKEND") not in IN_PROCESS_CACHES:
            checks[f"cache:{alias}"] = partial(check_cache, alias)
    broker_url = getattr(settings, "CELERY_BROKER_URL", None)
    if broker_url:
        checks["broker"] = partial(check_broker, broker_url)
    return checks


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %r", name, error)
            result: dict[str, Any] = {"status": ERROR, "error": type(error).__name__}
        else:
            result = {"status": OK}
        result["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    return results


# --- Views --------------------------------------------------------------------------------------


class LivenessSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Always `ok` when the process answers.")


# Plain strings rather than enums: one-value enums named "status" would collide in the schema.
class CheckSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`ok` or `error`.")
    error = serializers.CharField(
        required=False, help_text="Class of the exception the check raised (details are logged)."
    )
    duration_ms = serializers.FloatField()


_CHECKS_HELP = "One entry per dependency: `database:<alias>`, `cache:<alias>`, `broker`."


class ReadinessSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`ok`: every check passed.")
    checks = serializers.DictField(child=CheckSerializer(), help_text=_CHECKS_HELP)


class NotReadyProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=f"`{NOT_READY}`.")
    title = serializers.CharField()
    status = serializers.IntegerField(help_text="503.")
    detail = serializers.CharField()
    checks = serializers.DictField(child=CheckSerializer(), help_text=_CHECKS_HELP)


class _ProbeView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()


class LivenessView(_ProbeView):
    @extend_schema(
        operation_id="health_live",
        tags=["health"],
        summary="Liveness probe",
        description="Answers 200 while the process serves HTTP. Touches no dependency.",
        responses={200: LivenessSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"status": OK}, headers=_NO_STORE)


class ReadinessView(_ProbeView):
    @extend_schema(
        operation_id="health_ready",
        tags=["health"],
        summary="Readiness probe",
        description=(
            "Checks every configured database, shared cache and the Celery broker with a "
            f"{CHECK_TIMEOUT}-second timeout each. 200 when all answer, 503 when any does not."
        ),
        responses={
            200: ReadinessSerializer,
            (503, PROBLEM_CONTENT_TYPE): NotReadyProblemSerializer,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        results = run_checks(readiness_checks())
        failed = sorted(name for name, result in results.items() if result["status"] != OK)
        if not failed:
            return Response({"status": OK, "checks": results}, headers=_NO_STORE)
        return problem_response(
            503,
            f"Not ready: {', '.join(failed)} did not answer.",
            problem_type=NOT_READY,
            title="Not ready",
            headers=_NO_STORE,
            checks=results,
        )
