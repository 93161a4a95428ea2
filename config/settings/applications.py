"""The installed apps, the bounded contexts among them, the middleware and the templates."""

from __future__ import annotations

import sys

from config.settings.environment import env

# The bounded contexts, in dependency order (a context only calls the api of those above it).
# `manage.py startcontext` appends new contexts to this list.
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
    "modulith.topology",
    *CONTEXT_APPS,
]

# Throw-away contexts (tests/modulith/contexts/) that the kernel's tests publish and subscribe
# with. Installed under pytest, and in processes those tests start (Celery workers, scripts),
# which set SHOP_TEST_APPS=true. Never installed otherwise.
KERNEL_TEST_APPS = [
    "tests.modulith.contexts.sample",
    "tests.modulith.contexts.listener",
    "tests.modulith.contexts.remote",
]
if env.bool("SHOP_TEST_APPS", default="pytest" in sys.modules):
    INSTALLED_APPS += KERNEL_TEST_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on the HTML pages (admin, API docs).
    "modulith.http.headers.ContentSecurityPolicyMiddleware",
    # Serves the admin's and the API docs' assets from the image itself (no CDN, no proxy needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "modulith.http.correlation.CorrelationIdMiddleware",
    # 413 problem for oversized bodies before anything reads them; bare 405s become problems.
    "modulith.http.problems.ProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # CommonMiddleware, except that a POST to a URL without its trailing slash is a 404 problem.
    "modulith.http.problems.SlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's MessageMiddleware, with the storage made only when a request uses it (the admin).
    "modulith.http.messages.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the view's exceptions first: a lost database connection runs the request
    # again where that is safe, else answers a 503 problem.
    "modulith.http.connections.LostConnectionMiddleware",
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

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
