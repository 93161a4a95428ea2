"""Celery, configured through Django's settings (the CELERY_* names; see config/celery.py)."""

from __future__ import annotations

from kombu import Exchange, Queue

from config.settings.environment import env
from config.settings.topology import TOPOLOGY_SERVICE

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
# On Redis, kombu's transport with one redis-py client per channel instead of one built for
# every acknowledgement and publish (modulith.ops.redis_broker); any other broker keeps the
# transport its URL names.
CELERY_BROKER_TRANSPORT = (
    "modulith.ops.redis_broker:Transport"
    if CELERY_BROKER_URL and CELERY_BROKER_URL.partition("://")[0] in ("redis", "rediss")
    else None
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # fire-and-forget: no result backend
CELERY_RESULT_BACKEND = None
# A message is acknowledged after its handler ran, and redelivered if the worker died mid-way:
# the inbox makes the second delivery harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers unacked messages after the visibility timeout: keep it longer than any
# countdown or ETA we use (retries are scheduled in the database, not with long countdowns).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# `celery -A config worker` without -Q consumes exactly the queues of the contexts this service
# hosts (ctx.<context>); a task sent without a queue goes to this service's first one.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in TOPOLOGY_SERVICE.queues
]
CELERY_TASK_DEFAULT_QUEUE = TOPOLOGY_SERVICE.home_queue
# A context's own tasks (`<context>.<task>`) go to its queue, in whichever service hosts it.
CELERY_TASK_ROUTES = ["modulith.topology.routing.route_to_context_queue"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Workers keep their database connections between tasks: Celery's Django fixup closes them all
# around every task unless this is set, and then only every this many tasks. Between tasks
# modulith.tasks applies CONN_MAX_AGE and CONN_HEALTH_CHECKS instead, as Django does between
# requests (docs/performance.md).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# DatabaseScheduler behind a leader lease: any number of beat processes, one sends (BEAT_LOCK_*).
CELERY_BEAT_SCHEDULER = "modulith.ops.beat:SingleBeatScheduler"
CELERY_TIMEZONE = "UTC"
