"""`manage.py ensure_dev_keys`: create the development JWT signing key if there is none.

`make run` and `make test` call it. A deployment provides its own key (JWT_PRIVATE_KEY or
JWT_PRIVATE_KEY_FILE) instead: every process must sign with the same one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

KEY_BITS = 2048


class Command(BaseCommand):
    help = "Create an RSA key pair for signing JWTs under var/keys/ unless a key is configured."

    def handle(self, *args: Any, **options: Any) -> None:
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
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _create_exclusively(path, private_pem):
            self.stdout.write(f"JWT signing key present: {path}")
            return
        # The public half, to hand to other services or keep in JWT_PREVIOUS_PUBLIC_KEY_FILES.
        _create_exclusively(_public_path(path), public_pem)
        self.stdout.write(
            self.style.SUCCESS(f"Created a {KEY_BITS}-bit RSA JWT signing key: {path}")
        )


def _public_path(private_path: Path) -> Path:
    if "private" in private_path.name:
        return private_path.with_name(private_path.name.replace("private", "public"))
    return private_path.with_name(f"{private_path.stem}.public.pem")


def _create_exclusively(path: Path, data: bytes) -> bool:
    """Write `path` whole or not at all; False if it already exists (another process won)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as file:  # mkstemp creates it readable by us only
            file.write(data)
        try:
            os.link(temporary, path)  # atomic, and fails if the name is taken
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)
