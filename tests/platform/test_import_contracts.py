"""Each import-linter contract in importlinter.ini is live: a violation of it fails the lint.

Every test lints a copy of the project with one violating module added; the real tree is never
touched.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
IGNORED = shutil.ignore_patterns(
    ".venv", "var", ".git", "__pycache__", "*.pyc", ".import_linter_cache", "*.egg-info"
)

# Violations are written into two throw-away contexts, so they depend on no real context's code.
PROBE = "contexts/probe"
OTHER = "contexts/probe_other"
PACKAGES = {f"{PROBE}/__init__.py": "", f"{OTHER}/__init__.py": ""}

# contract id -> the modules that break it (path -> source), added to the copy.
VIOLATIONS: dict[str, dict[str, str]] = {
    "modulith-is-context-agnostic": {
        "src/modulith/violation.py": "import contexts.probe\n",
    },
    "contexts-never-import-config": {
        f"{PROBE}/violation.py": "from config import settings\n",
    },
    "contexts-talk-through-api-and-events": {
        f"{OTHER}/models.py": "",
        f"{PROBE}/violation.py": "from contexts.probe_other import models\n",
    },
    "context-api-calls-form-a-dag": {
        f"{PROBE}/api.py": "from contexts.probe_other import api\n",
        f"{OTHER}/api.py": "from contexts.probe import api\n",
    },
    "context-layers": {
        f"{PROBE}/services.py": "",
        f"{PROBE}/models.py": "from contexts.probe import services\n",
    },
    "only-identity-touches-users": {
        f"{PROBE}/violation.py": "from django.contrib.auth import get_user_model\n",
    },
    "no-model-signals": {
        f"{PROBE}/violation.py": "from django.db.models.signals import post_save\n",
    },
}


def contract_names() -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "importlinter.ini")
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): parser[section]["name"]
        for section in parser.sections()
        if section.startswith(prefix)
    }


def copy_project(destination: Path) -> Path:
    for folder in ("src", "contexts", "config"):
        shutil.copytree(ROOT / folder, destination / folder, ignore=IGNORED)
    shutil.copy2(ROOT / "importlinter.ini", destination / "importlinter.ini")
    return destination


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {"PYTHONPATH": os.pathsep.join([str(project), str(project / "src")])}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "importlinter.ini", "--no-cache"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_contract_in_importlinter_ini_has_a_liveness_test() -> None:
    names = contract_names()

    assert set(names) == set(VIOLATIONS)


def test_the_unchanged_project_keeps_every_contract(tmp_path: Path) -> None:
    project = copy_project(tmp_path)

    result = lint_imports(project)

    assert result.returncode == 0, result.stdout + result.stderr
    for name in contract_names().values():
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_a_violation_breaks_its_contract(tmp_path: Path, contract: str) -> None:
    project = copy_project(tmp_path)
    for path, source in (PACKAGES | VIOLATIONS[contract]).items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(source)

    result = lint_imports(project)

    assert result.returncode != 0
    assert f"{contract_names()[contract]} BROKEN" in result.stdout
    assert result.stdout.count(" BROKEN") == 1, result.stdout
    assert not (ROOT / PROBE).exists()
    assert not (ROOT / "src/modulith/violation.py").exists()


def test_the_throw_away_contexts_alone_break_no_contract(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    for path, source in PACKAGES.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(source)

    result = lint_imports(project)

    assert result.returncode == 0, result.stdout + result.stderr
