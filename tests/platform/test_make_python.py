"""make checks the interpreter before it installs anything, and says how to choose another."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_unsupported_python_stops_make_at_once_with_a_hint(tmp_path: Path) -> None:
    old_python = tmp_path / "python3.10"
    old_python.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.10.14" && exit 0\nexit 1\n'
    )
    old_python.chmod(0o755)
    venv = tmp_path / "venv"

    result = subprocess.run(
        ["make", "-s", f"VENV={venv}", f"SYSTEM_PYTHON={old_python}", "bootstrap"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "is not Python 3.11, 3.12 or 3.13 (Python 3.10.14)" in result.stderr
    assert "make SYSTEM_PYTHON=" in result.stderr
    assert not venv.exists()
