"""The event kernel (modulith): transports, remote context apis, retries and retention.

Where a context runs comes from the topology (config.settings.topology): a context hosted by
another service is called over HTTP at that service's URL, and its subscriptions go to its
queue, which that service's workers consume.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.settings.cache import REDIS_URL
from config.settings.environment import env
from config.settings.topology import SHOP_SERVICE, TOPOLOGY_SERVICE

# How this service delivers events to the contexts it hosts: in-process after the commit, or
# through their queues (to scale their workers apart). CONTEXT_TRANSPORTS tunes single hosted
# contexts: "notifications=celery".
EVENT_TRANSPORT = env.str("EVENT_TRANSPORT", default="inprocess")
_LOCAL_TRANSPORTS: dict[str, str] = env.dict("CONTEXT_TRANSPORTS", default={})
_REMOTE = TOPOLOGY_SERVICE.remote_contexts
if set(_LOCAL_TRANSPORTS) & set(_REMOTE):
    raise ImproperlyConfigured(
        f"CONTEXT_TRANSPORTS names {', '.join(sorted(set(_LOCAL_TRANSPORTS) & set(_REMOTE)))}, "
        f"hosted by another service than {SHOP_SERVICE!r}: their events always go to their "
        "queue. Remove them from CONTEXT_TRANSPORTS."
    )
# Subscriptions of contexts hosted elsewhere go to their queue, consumed by their service.
CONTEXT_TRANSPORTS = {**_LOCAL_TRANSPORTS, **dict.fromkeys(_REMOTE, "celery")}
# The api of a context hosted elsewhere is called over HTTP at its service's URL.
CONTEXT_REMOTES = TOPOLOGY_SERVICE.remote_urls()

MODULITH = {
    "EVENT_TRANSPORT": EVENT_TRANSPORT,
    "CONTEXT_TRANSPORTS": CONTEXT_TRANSPORTS,
    # Every context this service hosts lives in its one database, the default alias.
    "CONTEXT_DATABASES": {},
    "CONTEXT_REMOTES": CONTEXT_REMOTES,
    "EVENT_SOURCE_PREFIX": "/shop",
    "RETRY_MAX_ATTEMPTS": env.int("EVENT_RETRY_MAX_ATTEMPTS", default=8),
    "RETRY_BASE_DELAY": env.float("EVENT_RETRY_BASE_SECONDS", default=1.0),
    "RETRY_MAX_DELAY": env.float("EVENT_RETRY_MAX_SECONDS", default=300.0),
    "OUTBOX_RETENTION": timedelta(days=env.int("OUTBOX_RETENTION_DAYS", default=7)),
    "INBOX_RETENTION": timedelta(days=env.int("INBOX_RETENTION_DAYS", default=30)),
    # A context hosted by another service has its api called over HTTP (modulith.remote): connect
    # and read timeouts, and a circuit breaker per remote context, shared by every process through
    # Redis when REDIS_URL is set. docs/decisions/0009-remote-context-apis.md.
    "REMOTE_CONNECT_TIMEOUT": env.float("REMOTE_API_CONNECT_TIMEOUT_SECONDS", default=2.0),
    "REMOTE_READ_TIMEOUT": env.float("REMOTE_API_READ_TIMEOUT_SECONDS", default=5.0),
    "REMOTE_BREAKER_FAIL_MAX": env.int("REMOTE_API_BREAKER_FAIL_MAX", default=5),
    "REMOTE_BREAKER_RESET_SECONDS": env.float("REMOTE_API_BREAKER_RESET_SECONDS", default=30.0),
    "REMOTE_BREAKER_REDIS_URL": REDIS_URL,
    # Who this process is, for the service tokens it signs and checks, and where other services
    # publish their keys (default: /.well-known/service-jwks.json under their URL).
    "SERVICE": SHOP_SERVICE,
    # Derived from the topology: the service hosting each context (the audience of calls to
    # it) and each service's internal URL (its keys: /.well-known/service-jwks.json there).
    "CONTEXT_SERVICES": dict(TOPOLOGY_SERVICE.placement.hosts),
    "SERVICE_URLS": TOPOLOGY_SERVICE.service_urls(),
    "SERVICE_KEY_SETS": env.dict("SERVICE_KEY_SET_URLS", default={}),
    # The run-time boundary guards (modulith.guards); None: on exactly when DEBUG is. The test
    # kit turns them on in tests whatever this says.
    "GUARDS": env.bool("BOUNDARY_GUARDS", default=None),
}
