"""Running it: the single-holder beat lease and the Prometheus metrics endpoint."""

from __future__ import annotations

from config.settings.cache import REDIS_URL
from config.settings.environment import DEBUG, env

# One beat sends (modulith.ops.beat): the leader lease lives in Redis when REDIS_URL is set, else in
# the default cache. A standby takes over at most BEAT_LOCK_TTL_SECONDS after the holder died.
BEAT_LOCK_URL = REDIS_URL
BEAT_LOCK_KEY = env.str("BEAT_LOCK_KEY", default="shop:beat:leader")
BEAT_LOCK_TTL_SECONDS = env.float("BEAT_LOCK_TTL_SECONDS", default=30.0)
# GET /metrics (Prometheus): off in production unless enabled; with a token, scrapers must send
# it as a bearer token.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=DEBUG)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
