"""Outgoing email: where it goes (EMAIL_URL) and who it is from."""

from __future__ import annotations

from config.settings.environment import env

_EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _EMAIL_CONFIG["EMAIL_BACKEND"]
# The console prints one line per email unless asked for whole messages.
EMAIL_CONSOLE_FULL = env.bool("EMAIL_CONSOLE_FULL", default=False)
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend" and not EMAIL_CONSOLE_FULL:
    EMAIL_BACKEND = "modulith.ops.devmail.SummaryConsoleEmailBackend"
# Django's own defaults where the URL leaves a part out.
EMAIL_FILE_PATH = _EMAIL_CONFIG.get("EMAIL_FILE_PATH") or None
EMAIL_HOST = _EMAIL_CONFIG.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL_CONFIG.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
# A dead SMTP server must not hold a worker (or the relay) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")
