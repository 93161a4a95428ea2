"""Static files: collected under var/static and served by WhiteNoise, compressed and hashed in
production."""

from __future__ import annotations

from config.settings.environment import DEBUG, VAR_DIR

STATIC_URL = "static/"
# Created at the end of config/settings/__init__.py: WhiteNoise warns at start-up about a
# missing directory, even before collectstatic ran.
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
