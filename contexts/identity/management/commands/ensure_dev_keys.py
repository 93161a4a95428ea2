"""`manage.py ensure_dev_keys`: create the development JWT signing key if there is none.

`make run` and `make test` call it. A deployment provides its own key (JWT_PRIVATE_KEY or
JWT_PRIVATE_KEY_FILE) instead: every process of the service hosting identity must sign with the
same one, and no other service holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modulith.http.keys import DEVELOPMENT_KEY_BITS, create_development_key, public_key_path


class Command(BaseCommand):
    help = "Create an RSA key pair for signing JWTs under var/keys/ unless a key is configured."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.JWT_ISSUER:
            self.stdout.write("This service does not host identity: it holds no key of identity's.")
            return
        if settings.JWT_PRIVATE_KEY:
            self.stdout.write("JWT_PRIVATE_KEY is set: no development key needed.")
            return
        path = Path(settings.JWT_PRIVATE_KEY_FILE)
        if path.exists():
            self.stdout.write(f"JWT signing key present: {path}")
            return
        if not settings.DEBUG:
            # Each replica would sign with a key of its own, and the others would refuse its tokens.
            raise CommandError(
                f"No JWT signing key at {path}. Provision one (JWT_PRIVATE_KEY or "
                "JWT_PRIVATE_KEY_FILE); keys are generated only for development (DEBUG=true)."
            )
        if not create_development_key(path):
            self.stdout.write(f"JWT signing key present: {path}")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a {DEVELOPMENT_KEY_BITS}-bit RSA JWT signing key: {path} (its public "
                f"half: {public_key_path(path)})"
            )
        )
