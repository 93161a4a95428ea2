"""`manage.py create_key_pair PATH`: a new RSA key pair for production, whatever DEBUG says.

Unlike `ensure_dev_keys` it never looks at the settings: it writes the private key at PATH
(mode 0600) and its public half beside it (`jwt-private.pem` -> `jwt-public.pem`), and refuses to
overwrite anything, so running it twice cannot replace a key that is signing. It serves both
kinds of keys: identity's token key (JWT_PRIVATE_KEY_FILE) and a service's own key
(SERVICE_PRIVATE_KEY_FILE). Rotation: docs/operations.md#rotating-a-signing-key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.http.keys import (
    MINIMUM_KEY_BITS,
    PRODUCTION_KEY_BITS,
    create_key_pair,
    jwk_thumbprint,
    public_key_path,
)


class Command(BaseCommand):
    help = "Create an RSA key pair (private key at PATH, public half beside it) for production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Where the private key goes (*-private.pem).")
        parser.add_argument("--bits", type=int, default=PRODUCTION_KEY_BITS)

    def handle(self, *args: Any, path: Path, bits: int, **options: Any) -> None:
        if bits < MINIMUM_KEY_BITS:
            raise CommandError(f"--bits must be at least {MINIMUM_KEY_BITS}.")
        if not create_key_pair(path, bits=bits):
            raise CommandError(
                f"{path} exists: a key that may be signing is never overwritten. Give the new "
                "key a new file name (e.g. with the date) and rotate to it."
            )
        key = load_pem_private_key(path.read_bytes(), password=None)
        kid = jwk_thumbprint(key.public_key())  # type: ignore[arg-type]
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a {bits}-bit RSA key pair: {path} (private, mode 0600) and "
                f"{public_key_path(path)} (public). kid: {kid}"
            )
        )
