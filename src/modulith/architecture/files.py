"""Committed, generated files: where they live and whether they still match the code."""

from __future__ import annotations

import difflib
from pathlib import Path

from django.conf import settings

MAX_DIFF_LINES = 60


def project_root() -> Path:
    """The project's directory: settings.BASE_DIR by Django convention, else the working one."""
    return Path(getattr(settings, "BASE_DIR", Path.cwd()))


def staleness(path: Path, expected: str) -> str | None:
    """None if `path` holds exactly `expected`; otherwise a short diff saying what changed."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current == expected:
        return None
    if not path.exists():
        return f"{path} does not exist."
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            expected.splitlines(),
            fromfile=f"{path.name} (committed)",
            tofile=f"{path.name} (from the code)",
            lineterm="",
        )
    )
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... {len(diff) - MAX_DIFF_LINES} more lines of diff")
    return "\n".join(shown)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
