"""Where the project lives, how the environment is read, and the switch between development and
production that the other settings modules consult."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
# Run-time files of a development checkout: the SQLite database, dev keys, collected static.
# Created at the end of config/settings/__init__.py, the one side effect of loading settings.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


class MissingVariable(ImproperlyConfigured):
    """An environment variable the settings need is not set; the message says how to set it.

    manage.py prints such errors as one line instead of a traceback (`variable` marks them).
    """

    def __init__(self, variable: str, advice: str) -> None:
        super().__init__(f"Set the environment variable {variable}: {advice}")
        self.variable = variable


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise MissingVariable(
            "SECRET_KEY",
            "Django's signing key, 50 or more random characters, is required when DEBUG is off "
            "(DEBUG=true for development).",
        )
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
