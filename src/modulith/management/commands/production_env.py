"""`manage.py production_env FILE`: the secrets a production-like run needs, made once.

Writes FILE (an env file, mode 0600) with a new SECRET_KEY, DEBUG=false and the path of a new
production JWT key pair (created with the same code as `create_key_pair`, beside FILE under
keys/), unless FILE exists: a second run changes nothing, so sessions and tokens survive a
restart. `make up` and `make prod-check` call it for var/up/production.env (var/ is gitignored).
A real deployment keeps these values in its secret store instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from modulith.http.keys import PRODUCTION_KEY_BITS, create_key_pair, public_key_path

SECRET_KEY_BYTES = 50


class Command(BaseCommand):
    help = "Write an env file with a new SECRET_KEY and a production JWT key pair (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if file.exists():
            self.stdout.write(f"Production secrets present: {file}")
            return
        jwt_key = (file.parent / "keys" / "jwt-private.pem").resolve()
        create_key_pair(jwt_key, bits=PRODUCTION_KEY_BITS)
        lines = [
            "# Made by `manage.py production_env`; never commit it.",
            "DEBUG=false",
            f"SECRET_KEY={secrets.token_urlsafe(SECRET_KEY_BYTES)}",
            f"JWT_PRIVATE_KEY_FILE={jwt_key}",
        ]
        file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as output:
            output.write("\n".join(lines) + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {file}: SECRET_KEY and a JWT key pair ({jwt_key}, "
                f"{public_key_path(jwt_key)})."
            )
        )
