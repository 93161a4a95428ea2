"""The event kernel (modulith): transports, remote context apis, retries and retention."""

from __future__ import annotations

from datetime import timedelta

from config.settings.cache import REDIS_URL
from config.settings.databases import CONTEXT_DATABASES
from config.settings.environment import env

EVENT_TRANSPORT = env.str("EVENT_TRANSPORT", default="inprocess")
# Per subscribing context: "notifications=celery,payments=celery".
CONTEXT_TRANSPORTS: dict[str, str] = env.dict("CONTEXT_TRANSPORTS", default={})
# Contexts whose api is served by another process: "catalog=http://catalog:8000".
CONTEXT_REMOTES: dict[str, str] = env.dict("CONTEXT_REMOTES", default={})

MODULITH = {
    "EVENT_TRANSPORT": EVENT_TRANSPORT,
    "CONTEXT_TRANSPORTS": CONTEXT_TRANSPORTS,
    "CONTEXT_DATABASES": {context: context for context in CONTEXT_DATABASES},
    "CONTEXT_REMOTES": CONTEXT_REMOTES,
    "EVENT_SOURCE_PREFIX": "/shop",
    "RETRY_MAX_ATTEMPTS": env.int("EVENT_RETRY_MAX_ATTEMPTS", default=8),
    "RETRY_BASE_DELAY": env.float("EVENT_RETRY_BASE_SECONDS", default=1.0),
    "RETRY_MAX_DELAY": env.float("EVENT_RETRY_MAX_SECONDS", default=300.0),
    "OUTBOX_RETENTION": timedelta(days=env.int("OUTBOX_RETENTION_DAYS", default=7)),
    "INBOX_RETENTION": timedelta(days=env.int("INBOX_RETENTION_DAYS", default=30)),
    # A context named in CONTEXT_REMOTES has its api called over HTTP (modulith.remote): connect
    # and read timeouts, and a circuit breaker per remote context, shared by every process through
    # Redis when REDIS_URL is set. docs/decisions/0009-remote-context-apis.md.
    "REMOTE_CONNECT_TIMEOUT": env.float("REMOTE_API_CONNECT_TIMEOUT_SECONDS", default=2.0),
    "REMOTE_READ_TIMEOUT": env.float("REMOTE_API_READ_TIMEOUT_SECONDS", default=5.0),
    "REMOTE_BREAKER_FAIL_MAX": env.int("REMOTE_API_BREAKER_FAIL_MAX", default=5),
    "REMOTE_BREAKER_RESET_SECONDS": env.float("REMOTE_API_BREAKER_RESET_SECONDS", default=30.0),
    "REMOTE_BREAKER_REDIS_URL": REDIS_URL,
    # Who this process is, for the service tokens it signs and checks, and where other services
    # publish their keys (default: /.well-known/service-jwks.json under their URL).
    "SERVICE": env.str("SHOP_SERVICE", default="monolith"),
    "SERVICE_KEY_SETS": env.dict("SERVICE_KEY_SET_URLS", default={}),
}
