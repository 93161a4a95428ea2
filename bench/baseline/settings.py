"""Settings of the baseline project: what `django-admin startproject` plus DRF would give an API,
without sessions, admin or templates it does not use. Environment: BASELINE_DATABASE_URL."""

from __future__ import annotations

import os

import environ

SECRET_KEY = os.environ.get("BASELINE_SECRET_KEY", "baseline-benchmark-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = ["django.contrib.contenttypes", "rest_framework", "baseline"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "baseline.urls"
WSGI_APPLICATION = "baseline.wsgi.application"

DATABASES = {
    "default": {
        **environ.Env.db_url_config(
            os.environ.get(
                "BASELINE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_baseline"
            )
        ),
        # Persistent connections, as the shop has: the comparison is not about connecting.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
