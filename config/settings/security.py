"""HTTPS, HSTS, cookies and CSRF, effective when DEBUG is off (`check --deploy` passes)."""

from __future__ import annotations

from config.settings.environment import DEBUG, env
from config.settings.rest import NUM_PROXIES

# X-Forwarded-Proto says whether the client used HTTPS only when a proxy of ours set it; with no
# proxy in front (NUM_PROXIES=0) any client could send it and pass for a secure request.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES > 0 else None
# A deployment reached over plain HTTP with no TLS anywhere in front, such as `make up` or
# `docker compose up` on one machine: browsers drop Secure cookies there (the admin's log-in would
# fail), and a redirect to https:// or HSTS would lock them out. Never set it in production:
# `check --deploy` then warns about the cookies, as it should.
PLAIN_HTTP = env.bool("PLAIN_HTTP", default=False)
_HTTPS_ONLY = not (DEBUG or PLAIN_HTTP)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS_ONLY)
# Probes and metrics scrapers talk plain HTTP to the process from inside the network, and calls
# between the shop's processes reach /internal/api/ directly: a redirect would only make them
# fail. Use https:// in CONTEXT_REMOTES where that network is not trusted.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$", r"^internal/api/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS_ONLY
SECURE_HSTS_PRELOAD = _HTTPS_ONLY
SESSION_COOKIE_SECURE = _HTTPS_ONLY
CSRF_COOKIE_SECURE = _HTTPS_ONLY
# Origins (scheme://host) trusted for unsafe requests with a session, e.g. the admin behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A failed CSRF check (only the admin's session forms have one) answers a 403 problem too.
CSRF_FAILURE_VIEW = "modulith.http.problems.csrf_failure"
