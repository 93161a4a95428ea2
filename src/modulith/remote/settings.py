"""Settings of remote api calls, read from settings.MODULITH at call time (tests override them)."""

from __future__ import annotations

from dataclasses import dataclass

from modulith.settings import modulith_setting


@dataclass(frozen=True)
class RemoteSettings:
    connect_timeout: float  # seconds to open a connection
    read_timeout: float  # seconds to wait for each read of the answer (and each write)
    breaker_fail_max: int  # consecutive failures that open a context's breaker
    breaker_reset_seconds: float  # how long an open breaker fails fast before a trial call
    breaker_redis_url: str  # where breakers keep their state; empty: in this process only


def remote_settings() -> RemoteSettings:
    return RemoteSettings(
        connect_timeout=float(modulith_setting("REMOTE_CONNECT_TIMEOUT", 2.0)),
        read_timeout=float(modulith_setting("REMOTE_READ_TIMEOUT", 5.0)),
        breaker_fail_max=int(modulith_setting("REMOTE_BREAKER_FAIL_MAX", 5)),
        breaker_reset_seconds=float(modulith_setting("REMOTE_BREAKER_RESET_SECONDS", 30.0)),
        breaker_redis_url=str(modulith_setting("REMOTE_BREAKER_REDIS_URL", "") or ""),
    )


def remote_url(context: str) -> str | None:
    """The base URL of the process that serves `context`'s api, or None when this one does."""
    remotes = modulith_setting("CONTEXT_REMOTES", {})
    return remotes.get(context) or None


# --- Services: who this process is, and where the other services publish their keys -----------

KEY_SET_PATH = "/.well-known/service-jwks.json"
DEFAULT_SERVICE = "monolith"


def this_service() -> str:
    """The name of the service this process belongs to (the topology's SHOP_SERVICE)."""
    return str(modulith_setting("SERVICE", DEFAULT_SERVICE) or DEFAULT_SERVICE)


def remote_service(context: str) -> str:
    """The name of the service that serves `context`'s api: the audience of calls to it."""
    hosts = modulith_setting("CONTEXT_SERVICES", {})
    return str(hosts.get(context) or context)


def key_set_url(service: str) -> str | None:
    """Where `service` publishes the public keys of its service tokens; None: no such service.

    SERVICE_KEY_SETS names it explicitly (a key server, or a URL other than the service's own);
    otherwise it is KEY_SET_PATH under the service's internal base URL (SERVICE_URLS)."""
    explicit = modulith_setting("SERVICE_KEY_SETS", {}).get(service)
    if explicit:
        return str(explicit)
    base_url = modulith_setting("SERVICE_URLS", {}).get(service)
    return f"{str(base_url).rstrip('/')}{KEY_SET_PATH}" if base_url else None
