"""HTTPS, HSTS, cookies and CSRF, effective when DEBUG is off (`check --deploy` passes)."""

from __future__ import annotations

from config.settings.environment import DEBUG, env
from config.settings.rest import NUM_PROXIES

# X-Forwarded-Proto says whether the client used HTTPS only when a proxy of ours set it; with no
# proxy in front (NUM_PROXIES=0) any client could send it and pass for a secure request.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES > 0 else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and metrics scrapers talk plain HTTP to the process from inside the network, and calls
# between the shop's processes reach /internal/api/ directly: a redirect would only make them
# fail. Use https:// in CONTEXT_REMOTES where that network is not trusted.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$", r"^internal/api/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Origins (scheme://host) trusted for unsafe requests with a session, e.g. the admin behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A failed CSRF check (only the admin's session forms have one) answers a 403 problem too.
CSRF_FAILURE_VIEW = "modulith.http.problems.csrf_failure"
