"""Logs on stderr: a JSON object per line for log shippers, or a readable line for a terminal."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.settings.environment import DEBUG, env

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # On the handler, not a logger, so records propagated from every logger get it: the
    # correlation id of the flow, and the event and subscription while a handler runs.
    "filters": {"correlation": {"()": "modulith.ops.logs.CorrelationFilter"}},
    "formatters": {
        "plain": {"()": "modulith.ops.logs.PlainFormatter"},
        "json": {"()": "modulith.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["correlation"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # httpx logs every request at INFO; modulith.remote logs each call at DEBUG and failures
        # at WARNING, so the default level does not get one line per api call.
        "httpx": {"level": "WARNING"},
    },
}
