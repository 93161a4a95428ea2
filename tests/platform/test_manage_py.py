"""manage.py run without the environment it needs says what to set, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_command_without_secret_key_and_debug_off_prints_one_line_naming_it() -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("manage.py: Set the environment variable SECRET_KEY:")
    assert "DEBUG=true" in line
