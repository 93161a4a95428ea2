"""The git hooks run offline: every hook calls a tool that requirements.lock installs in .venv."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def hooks() -> list[dict[str, object]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_every_hook_is_local_and_downloads_nothing() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["language"] for hook in hooks()} == {"system"}


def test_every_hook_runs_a_tool_of_the_project_venv() -> None:
    for hook in hooks():
        words = shlex.split(str(hook["entry"]))
        tool = next(word for word in words if word != "env" and "=" not in word)
        assert tool.startswith(".venv/bin/"), f"{hook['id']} runs {tool}, not a tool from .venv"
        assert (ROOT / tool).exists(), f"{hook['id']}: {tool} is not installed by the lock"
