"""The calling side: one api call to the process that serves the function's context.

    POST <remote url>/internal/api/<context>/<function>/
    Authorization: Bearer <service token>        body: the keyword arguments as one JSON object

200 carries the result; a 422 problem whose type names an exception the api module declares is
raised as that exception; everything else (refused connection, timeout, another status, an
undecodable answer, an open circuit) raises RemoteApiUnavailable. No retries here: the callers
already retry (clients with their Idempotency-Key, event handlers with backoff).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.db import connections
from pydantic import ValidationError

from modulith.events.envelope import current_correlation_id
from modulith.http.correlation import HEADER as CORRELATION_HEADER
from modulith.remote.breakers import breaker_for
from modulith.remote.codec import codec_for
from modulith.remote.credentials import service_authorization
from modulith.remote.errors import RemoteApiUnavailable, RemoteCallInTransaction
from modulith.remote.protocol import EXCEPTION_STATUS, endpoint, exception_problem_type
from modulith.remote.registry import ApiFunction
from modulith.remote.settings import remote_service, remote_settings
from modulith.rules import cite

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Outcome:
    value: Any = None
    exception: Exception | None = None


def call_remote(spec: ApiFunction, base_url: str, arguments: dict[str, Any]) -> Any:
    """Call `spec` at `base_url`: its decoded result, or its declared exception raised again.
    Raises RemoteApiUnavailable and RemoteCallInTransaction."""
    _refuse_inside_transaction(spec)
    body = codec_for(spec.local).encode_arguments(arguments)
    breaker = breaker_for(spec.context)
    retry_after = breaker.retry_after()
    if retry_after is not None:
        raise RemoteApiUnavailable(
            function=spec.qualified_name,
            reason="its circuit breaker is open after repeated failures",
            retry_after=retry_after,
        )
    try:
        outcome = _exchange(spec, endpoint(base_url, spec), body)
    except RemoteApiUnavailable as failure:
        logger.warning("remote api call failed: %s", failure)
        if breaker.record_failure():
            raise RemoteApiUnavailable(
                function=spec.qualified_name,
                reason=f"{failure.reason}; its circuit breaker is open now",
                retry_after=breaker.breaker.reset_timeout,
            ) from failure
        raise
    # A declared exception is an answer from a healthy service, not a failure.
    breaker.record_success()
    if outcome.exception is not None:
        raise outcome.exception
    return outcome.value


def _refuse_inside_transaction(spec: ApiFunction) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            raise RemoteCallInTransaction(
                f"{spec.qualified_name} is served by another process (CONTEXT_REMOTES) and was "
                f"called inside a transaction on database {connection.alias!r}. {cite(6)}: "
                "never call HTTP inside a transaction. Call the api before the transaction "
                "opens (as orders' placement prices an order first), or after it commits."
            )


def _exchange(spec: ApiFunction, url: str, body: bytes) -> _Outcome:
    config = remote_settings()
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    started = time.monotonic()
    try:
        response = http_client().post(
            url, content=body, headers=_headers(remote_service(spec.context)), timeout=timeout
        )
    except httpx.TransportError as error:
        raise _unavailable(spec, f"POST {url} failed: {type(error).__name__}: {error}") from error
    logger.debug(
        "POST %s answered %d in %.1f ms",
        url,
        response.status_code,
        (time.monotonic() - started) * 1000,
    )
    if response.status_code == httpx.codes.OK:
        try:
            return _Outcome(value=codec_for(spec.local).decode_result(response.content))
        except ValidationError as error:
            raise _unavailable(
                spec, f"POST {url} answered a result that does not match the declared type"
            ) from error
    declared = _declared_exception(spec, response)
    if declared is not None:
        return _Outcome(exception=declared)
    raise _unavailable(spec, f"POST {url} answered {response.status_code}: {_summary(response)}")


def _headers(audience: str) -> dict[str, str]:
    headers = {
        "Authorization": service_authorization(audience),
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    correlation_id = current_correlation_id.get()
    if correlation_id:
        headers[CORRELATION_HEADER] = correlation_id
    return headers


def _declared_exception(spec: ApiFunction, response: httpx.Response) -> Exception | None:
    if response.status_code != EXCEPTION_STATUS:
        return None
    problem = _json(response)
    payload = problem.get("exception")
    name = payload.get("name") if isinstance(payload, dict) else None
    if not isinstance(name, str) or problem.get("type") != exception_problem_type(spec, name):
        return None
    try:
        return codec_for(spec.local).decode_exception(payload)
    except ValidationError:
        return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _summary(response: httpx.Response) -> str:
    problem = _json(response)
    if problem:
        return f"{problem.get('title', '')}: {problem.get('detail', '')}".strip(": ")
    return response.text[:200]


def _unavailable(spec: ApiFunction, reason: str) -> RemoteApiUnavailable:
    return RemoteApiUnavailable(function=spec.qualified_name, reason=reason)


# --- One connection pool per process ------------------------------------------------------------

_lock = threading.Lock()
_client: httpx.Client | None = None
_client_pid: int | None = None


def http_client() -> httpx.Client:
    """This process's client. Rebuilt in a forked child (Celery prefork, gunicorn), which must not
    share its parent's pooled connections."""
    global _client, _client_pid
    with _lock:
        if _client is None or _client_pid != os.getpid():
            _client = httpx.Client(
                # Every request passes its own timeouts from settings; this is the fallback.
                timeout=httpx.Timeout(5.0, connect=2.0),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                follow_redirects=False,  # a redirect means a wrong CONTEXT_REMOTES URL
                headers={"User-Agent": "modulith-remote-api"},
            )
            _client_pid = os.getpid()
        return _client
