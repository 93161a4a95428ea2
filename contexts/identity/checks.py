"""System checks of the identity context."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from modulith.http.authentication import signing_key


@register(Tags.security, deploy=True)
def check_jwt_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The service hosting identity must be able to sign tokens (the others hold no key of
    identity's). Deploy-only: `make` creates the development key after `migrate`, whose checks
    must not fail before it exists."""
    if not settings.JWT_ISSUER:
        return []
    try:
        signing_key()
    except ImproperlyConfigured as error:
        return [
            Error(
                str(error),
                hint="Provision a 2048-bit (or larger) RSA private key in PEM format.",
                id="identity.E001",
            )
        ]
    return []
