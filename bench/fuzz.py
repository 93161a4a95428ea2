"""The long schemathesis run: every operation as anonymous, customer and staff, all checks.

    make fuzz                           # FUZZ_EXAMPLES=120 per operation and mode by default
    FUZZ_EXAMPLES=200 python bench/fuzz.py

Not part of `make test` (tests/fuzz/ runs a small derandomized pass there). Starts the same
production-like gunicorn as bench/edge.py (DEBUG off, PostgreSQL, demo data, throttles raised)
behind the nginx gateway `manage.py topology gateway` generates, as clients meet it, logs in the
demo customer and staff, and runs `st run` against the gateway's /api/schema/ with
`--checks all` (positive_data_acceptance and negative_data_rejection included) and `--mode all`
(valid and invalid data) once per caller; schemathesis.toml adds the per-operation settings.
Prints each run's summary (cases generated, failures by check) and its time. docs/edge.md keeps
the last figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edge import demo_shop, free_port, server_env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "120")
SUMMARY_MARKERS = ("generated", "- ST", "Failures:", "❌ ST")


@contextmanager
def gateway(service_url: str) -> Iterator[str]:
    """nginx running the generated gateway in front of `service_url`: its base URL."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        sys.exit("nginx is not installed (apt-get install nginx): make fuzz runs behind it.")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fuzz-gateway-") as prefix:
        config = Path(prefix) / "nginx.conf"
        subprocess.run(
            [sys.executable, "manage.py", "topology", "gateway",
             "--output", str(config), "--listen", str(port)],
            cwd=ROOT, env=server_env() | {"SHOP_URL": service_url}, check=True,
        )  # fmt: skip
        process = subprocess.Popen(
            [nginx, "-p", prefix, "-c", str(config), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/health/")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fuzz(base: str, caller: str, token: str) -> None:
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"{base}/api/schema/",
        "--checks", "all", "--mode", "all", "-n", EXAMPLES, "--no-color",
    ]  # fmt: skip
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    print(f"--- as {caller}: {time.monotonic() - started:.0f} s ---")
    for line in result.stdout.splitlines():
        if line.startswith("___") and " /" in line:
            print(line.strip("_ "))  # the operation the next failures belong to
        elif any(marker in line for marker in SUMMARY_MARKERS):
            print("   ", line.strip())


def main() -> None:
    with demo_shop() as (service, _worker, tokens), gateway(service) as base:
        for caller, token in tokens.items():
            fuzz(base, caller or "anonymous", token)


if __name__ == "__main__":
    main()
