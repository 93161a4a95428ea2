"""The Celery application. Its settings are the CELERY_* names in config.settings."""

import os
import sys
from typing import Any

from celery import Celery
from django.core.exceptions import ImproperlyConfigured

from config.startup import configuration_problem

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shop")
# Read when Celery first needs its configuration (module __getattr__ below), not at import.
app.config_from_object("config.celery:django_settings", namespace="CELERY")
# Finds tasks.py in modulith and in every context app.
app.autodiscover_tasks()


def __getattr__(name: str) -> Any:
    """`django_settings`: Django's settings, loaded; a configuration error is one line and an
    exit, as manage.py says it, not a traceback through Celery's start-up."""
    if name != "django_settings":
        raise AttributeError(name)
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings)
    except ImproperlyConfigured as error:
        problem = configuration_problem(error)
        if problem is None:
            raise
        sys.exit(f"celery: {problem}")
    return settings
