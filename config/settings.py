"""Settings for every topology, read from the environment only (12-factor).

Every variable read here is listed, with its default, in the README's configuration table.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# --- Applications -------------------------------------------------------------------------------

# The bounded contexts, in dependency order (a context only calls the api of those above it).
CONTEXT_APPS = [
    "contexts.identity",
    "contexts.catalog",
    "contexts.shipping",
    "contexts.inventory",
    "contexts.payments",
    "contexts.orders",
    "contexts.notifications",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "modulith",
    *CONTEXT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's and the API docs' assets from the image itself (no CDN, no proxy needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "modulith.http.correlation.CorrelationIdMiddleware",
    # 413 problem for oversized bodies before anything reads them; bare 405s become problems.
    "modulith.http.problems.ProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases ----------------------------------------------------------------------------------

VAR_DIR.mkdir(exist_ok=True)


def _database(url: str) -> dict:
    """One DATABASES entry from a URL, tuned for the engine behind it."""
    config = env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
            # queue instead of failing half-way ("database is locked").
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory, so worker processes started by tests share the test database.
        config["TEST"] = {"NAME": str(Path(config["NAME"]).with_suffix(".test.sqlite3"))}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Keep connections open across requests: opening one per request costs ~6x throughput.
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


DATABASES = {
    "default": _database(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR}/db.sqlite3"))
}

# Contexts that own a database of their own: "payments=postgres:///shop_payments,...".
CONTEXT_DATABASES: dict[str, str] = env.dict("CONTEXT_DATABASES", default={})
for _context, _url in CONTEXT_DATABASES.items():
    DATABASES[_context] = _database(_url)

DATABASE_ROUTERS = ["modulith.routing.ContextDatabaseRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -----------------------------------------------------------------------------

AUTH_USER_MODEL = "identity.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# RS256 key material. In production the private key comes from JWT_PRIVATE_KEY (PEM text) or
# JWT_PRIVATE_KEY_FILE; in development `make run` generates one under var/keys/.
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="")
JWT_PRIVATE_KEY_FILE = env.str(
    "JWT_PRIVATE_KEY_FILE", default=str(VAR_DIR / "keys" / "jwt-private.pem")
)
# Extra public keys (PEM files) still accepted for verification while keys rotate.
JWT_PREVIOUS_PUBLIC_KEY_FILES = env.list("JWT_PREVIOUS_PUBLIC_KEY_FILES", default=[])
JWT_ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_SECONDS", default=600))
JWT_REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env.int("JWT_REFRESH_TOKEN_SECONDS", default=7 * 24 * 3600)
)
# An extracted service without the keys above verifies with the JWK Set published by identity
# (https://<identity>/.well-known/jwks.json); empty in the monolith.
JWT_JWKS_URL = env.str("JWT_JWKS_URL", default="")

# simplejwt issues the tokens. modulith.http.authentication supplies its RS256 keys (chosen by kid,
# which simplejwt's own backend cannot do), so no key is configured here.
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": None,
    "ACCESS_TOKEN_LIFETIME": JWT_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": JWT_REFRESH_TOKEN_LIFETIME,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# --- REST API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["modulith.http.authentication.StatelessJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "modulith.http.problems.problem_exception_handler",
    # Throttles key anonymous clients by address. Behind N reverse proxies set NUM_PROXIES=N, or
    # every client shares the proxy's budget; 0 ignores X-Forwarded-For, which clients can forge.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("THROTTLE_TOKEN_RATE", default="20/min"),
        "register": env.str("THROTTLE_REGISTER_RATE", default="10/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop modulith API",
    "DESCRIPTION": "REST API of the shop. Errors are application/problem+json (RFC 9457).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema, Swagger UI and ReDoc are public and need no credentials.
    "SERVE_AUTHENTICATION": [],
    "TAGS": [{"name": "health", "description": "Liveness and readiness probes."}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # The Problem schema, and the error responses every operation can answer.
        "modulith.http.openapi.add_problem_responses",
    ],
}

# Bodies larger than this are refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BYTES", default=1024 * 1024)

# --- Events (modulith) --------------------------------------------------------------------------

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
}

# --- Contexts' own settings --------------------------------------------------------------------

# Payments: the provider call's timeout, the fake provider's latency, and the circuit breaker
# (shared through Redis when REDIS_URL is set, so every process sees the same state).
PAYMENTS_PROVIDER_TIMEOUT_SECONDS = env.float("PAYMENTS_PROVIDER_TIMEOUT_SECONDS", default=2.0)
PAYMENTS_FAKE_LATENCY_MS = env.int("PAYMENTS_FAKE_LATENCY_MS", default=0)
PAYMENTS_BREAKER_FAIL_MAX = env.int("PAYMENTS_BREAKER_FAIL_MAX", default=5)
PAYMENTS_BREAKER_RESET_SECONDS = env.float("PAYMENTS_BREAKER_RESET_SECONDS", default=30.0)

# How long inventory holds stock for a pending order before releasing it.
INVENTORY_RESERVATION_TTL = timedelta(
    seconds=env.int("INVENTORY_RESERVATION_TTL_SECONDS", default=900)
)

# --- Celery (see DESIGN.md section 7) -----------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # fire-and-forget: no result backend
CELERY_RESULT_BACKEND = None
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
CELERY_TASK_DEFAULT_QUEUE = "shop.default"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# DatabaseScheduler behind a leader lease: any number of beat processes, one sends (BEAT_LOCK_*).
CELERY_BEAT_SCHEDULER = "modulith.beat:SingleBeatScheduler"
CELERY_TIMEZONE = "UTC"

# --- Email --------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A dead SMTP server must not hold a worker (or the relay) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")

# --- Internationalisation, static files ---------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing directory before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (effective when DEBUG is off; `manage.py check --deploy` passes) ------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Origins (scheme://host) trusted for unsafe requests with a session, e.g. the admin behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A failed CSRF check (only the admin's session forms have one) answers a 403 problem too.
CSRF_FAILURE_VIEW = "modulith.http.problems.csrf_failure"

# --- Logging ------------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# json: one object per line, for log shippers; plain: one readable line, for a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # On the handler, not a logger, so records propagated from every logger get it: the
    # correlation id of the flow, and the event and subscription while a handler runs.
    "filters": {"correlation": {"()": "modulith.observability.logs.CorrelationFilter"}},
    "formatters": {
        "plain": {"()": "modulith.observability.logs.PlainFormatter"},
        "json": {"()": "modulith.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["correlation"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Test-only contexts of the event kernel (block owned by the kernel engineer) ----------------
# Throw-away contexts (tests/modulith/contexts/) that the kernel's tests publish and subscribe
# with. Installed under pytest, and in processes those tests start (Celery workers, scripts),
# which set SHOP_TEST_APPS=true. Never installed otherwise.
import sys  # noqa: E402

KERNEL_TEST_APPS = [
    "tests.modulith.contexts.sample",
    "tests.modulith.contexts.listener",
    "tests.modulith.contexts.remote",
]
if env.bool("SHOP_TEST_APPS", default="pytest" in sys.modules):
    INSTALLED_APPS += KERNEL_TEST_APPS

# --- Operations (owned by h_ops) ----------------------------------------------------------------
# One beat sends (modulith.beat): the leader lease lives in Redis when REDIS_URL is set, else in
# the default cache. A standby takes over at most BEAT_LOCK_TTL_SECONDS after the holder died.
BEAT_LOCK_URL = REDIS_URL
BEAT_LOCK_KEY = env.str("BEAT_LOCK_KEY", default="shop:beat:leader")
BEAT_LOCK_TTL_SECONDS = env.float("BEAT_LOCK_TTL_SECONDS", default=30.0)
# GET /metrics (Prometheus): off in production unless enabled; with a token, scrapers must send
# it as a bearer token.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=DEBUG)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Scrapers inside the network talk plain HTTP to the process, like health probes.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]

# --- Remote context apis (owned by h_remote) ----------------------------------------------------
# A context named in CONTEXT_REMOTES has its api called over HTTP (modulith.remote): connect and
# read timeouts, and a circuit breaker per remote context, shared by every process through Redis
# when REDIS_URL is set. docs/decisions/0009-remote-context-apis.md.
MODULITH.update(
    {
        "REMOTE_CONNECT_TIMEOUT": env.float("REMOTE_API_CONNECT_TIMEOUT_SECONDS", default=2.0),
        "REMOTE_READ_TIMEOUT": env.float("REMOTE_API_READ_TIMEOUT_SECONDS", default=5.0),
        "REMOTE_BREAKER_FAIL_MAX": env.int("REMOTE_API_BREAKER_FAIL_MAX", default=5),
        "REMOTE_BREAKER_RESET_SECONDS": env.float("REMOTE_API_BREAKER_RESET_SECONDS", default=30.0),
        "REMOTE_BREAKER_REDIS_URL": REDIS_URL,
    }
)
# Calls between the shop's processes reach /internal/api/ directly, often over plain HTTP inside
# the cluster: a redirect to HTTPS would only make them fail. Use https:// in CONTEXT_REMOTES
# where that network is not trusted.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^internal/api/"]
# httpx logs every request at INFO; modulith.remote logs each call at DEBUG and failures at
# WARNING, so the default INFO level does not get one line per api call.
LOGGING["loggers"] = {**LOGGING["loggers"], "httpx": {"level": "WARNING"}}  # type: ignore[dict-item]
