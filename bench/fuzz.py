"""The long schemathesis run: every operation as anonymous, customer and staff, all checks.

    make fuzz                           # FUZZ_EXAMPLES=60 per operation and mode by default
    FUZZ_EXAMPLES=200 python bench/fuzz.py

Not part of `make test` (tests/fuzz/ runs a small derandomized pass there). Starts the same
production-like gunicorn as bench/edge.py (DEBUG off, PostgreSQL, demo data, throttles raised),
logs in the demo customer and staff, and runs `st run` against /api/schema/ with `--checks all`
(positive_data_acceptance and negative_data_rejection included) and `--mode all` (valid and
invalid data) once per caller. Prints each run's summary: cases generated and failures by
check. docs/edge.md keeps the last figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from edge import demo_shop

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "60")
SUMMARY_MARKERS = ("generated", "- ST", "Failures:", "❌ ST")


def fuzz(base: str, caller: str, token: str) -> None:
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"{base}/api/schema/",
        "--checks", "all", "--mode", "all", "-n", EXAMPLES, "--no-color",
    ]  # fmt: skip
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    print(f"--- as {caller} ---")
    for line in result.stdout.splitlines():
        if line.startswith("___") and " /" in line:
            print(line.strip("_ "))  # the operation the next failures belong to
        elif any(marker in line for marker in SUMMARY_MARKERS):
            print("   ", line.strip())


def main() -> None:
    with demo_shop() as (base, _worker, tokens):
        for caller, token in tokens.items():
            fuzz(base, caller or "anonymous", token)


if __name__ == "__main__":
    main()
