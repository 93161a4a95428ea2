"""A test-only urlconf: views whose first run loses its database connection for real.

Each view's first call asks PostgreSQL to terminate the very backend that serves it
(pg_terminate_backend(pg_backend_pid())): the connection is dead, as after a failover. Later
calls answer normally. Tests select it with @pytest.mark.urls("tests.edge.lost_connection_urls").
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection
from django.urls import URLPattern, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

calls: Counter[str] = Counter()


def lose_the_connection_the_first_time(name: str) -> None:
    calls[name] += 1
    with connection.cursor() as cursor:
        if calls[name] == 1:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cursor.execute("SELECT 1")


class ConnectionLosingView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        lose_the_connection_the_first_time("get")
        return Response({"ran": calls["get"]})

    def post(self, request: Request) -> Response:
        lose_the_connection_the_first_time("post")
        return Response({"ran": calls["post"], "echo": request.data}, status=201)


class IdempotentConnectionLosingView(ConnectionLosingView):
    idempotent_by_key_methods = ("POST",)


class AlwaysLosingView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        calls["always"] += 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return Response({})


def _views(**kwargs: Any) -> list[URLPattern]:
    return [path(route, view.as_view(), name=name) for name, (route, view) in kwargs.items()]


urlpatterns = _views(
    losing=("losing/", ConnectionLosingView),
    idempotent=("idempotent/", IdempotentConnectionLosingView),
    always=("always/", AlwaysLosingView),
)
