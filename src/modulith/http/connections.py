"""A database connection that dies during a request costs the client nothing it cannot redo.

PostgreSQL connections die: a failover, a restarted pooler, an administrator's
pg_terminate_backend. CONN_HEALTH_CHECKS replaces a dead connection when a request starts; one
that dies while the request runs raised OperationalError (or InterfaceError) out of the view and
answered 500. Here such an error is caught once the view's transactions are over (none of them
committed the failed work, or the error would not have come out of them):

- a request that is safe to run again runs once more on fresh connections: reads (GET, HEAD,
  OPTIONS) and writes that their view declares idempotent by key, sent with an Idempotency-Key
  (an order placement: a second run finds the first one's record if it committed, and replays
  its answer);
- anything else, or a second failure, is a 503 problem with Retry-After.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from modulith.http.problems import problem_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
# A view class lists here the methods it makes idempotent with an Idempotency-Key header.
IDEMPOTENT_BY_KEY_ATTRIBUTE = "idempotent_by_key_methods"
_RETRIED = "_modulith_retried_after_lost_connection"


class LostConnectionMiddleware:
    """Runs a request again once, or answers 503, when its database connection was lost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if request.method not in SAFE_METHODS and _replayable(request):
            # Read the body now: the view's parser consumes the stream, and a second run
            # parses it again from this copy.
            request.body  # noqa: B018

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        _close_broken_connections()
        match = request.resolver_match
        if match is None or getattr(request, _RETRIED, False) or not _replayable(request):
            logger.warning("database connection lost on %s %s: 503", request.method, request.path)
            return unavailable()
        setattr(request, _RETRIED, True)
        logger.warning("database connection lost on %s %s: ran again", request.method, request.path)
        if hasattr(request, "_body"):
            # HttpRequest.read() serves the body from _stream once `body` was read.
            request._stream = io.BytesIO(request._body)
            request._read_started = False  # type: ignore[attr-defined]
        try:
            response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
            return response
        except (OperationalError, InterfaceError):
            _close_broken_connections()
            logger.warning("database connection lost again on %s %s", request.method, request.path)
            return unavailable()


def unavailable() -> HttpResponseBase:
    return problem_response(
        503,
        "The database connection was lost while answering; try again shortly.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _replayable(request: HttpRequest) -> bool:
    if request.method in SAFE_METHODS:
        return True
    match = request.resolver_match
    view_class: Any = getattr(match.func, "cls", None) if match is not None else None
    methods = getattr(view_class, IDEMPOTENT_BY_KEY_ATTRIBUTE, ())
    return request.method in methods and bool(request.headers.get(IDEMPOTENCY_KEY_HEADER))


def _close_broken_connections() -> None:
    # Outside any transaction by now; a connection that errored and fails its health check is
    # closed, and the next query opens a fresh one.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
