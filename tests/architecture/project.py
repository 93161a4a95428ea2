"""The project, or a throwaway copy of it to break a rule on purpose and watch the checks catch it.

Checks run in subprocesses (lint-imports, manage.py), as `make lint` runs them: with the
project's root first on PYTHONPATH, so a copy's code wins over the editable install of src/,
and without the test-only apps that pytest installs. Files a test injects into a copy are undone
by `restore()`, so one copy can serve a whole test module.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# What a copy needs to run the checks; tests that need more (pytest, docs) pass `extra`.
PROJECT_PARTS = ("src", "contexts", "config", "importlinter.ini", "manage.py")
IGNORED = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "*.pyc", "*.sqlite3")

# Environment that would make the copy's behaviour depend on the machine running the tests.
MACHINE_SPECIFIC = (
    "DATABASE_URL",
    "CONTEXT_DATABASES",
    "CONTEXT_TRANSPORTS",
    "CONTEXT_REMOTES",
    "EVENT_TRANSPORT",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "SHOP_TEST_APPS",
    # A copy's files are not the project's: measuring them would only slow the checks down.
    "COVERAGE_PROCESS_CONFIG",
    "COVERAGE_PROCESS_START",
)


@dataclass
class Project:
    root: Path
    _originals: dict[Path, str | None] = field(default_factory=dict)

    @classmethod
    def copy(cls, destination: Path, extra: tuple[str, ...] = ()) -> Project:
        for part in (*PROJECT_PARTS, *extra):
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, destination / part, ignore=IGNORED)
            elif source.exists():
                (destination / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination / part)
        return cls(destination)

    # --- Changing a copy's files, reversibly ----------------------------------------------------

    def write(self, relative: str, text: str) -> Path:
        assert self.root != ROOT, "inject violations into a copy, never into the project"
        path = self.root / relative
        self._remember(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def append(self, relative: str, text: str) -> Path:
        path = self.root / relative
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        return self.write(relative, f"{current}\n{text}")

    def package(self, relative: str, modules: dict[str, str]) -> None:
        """A package with `modules` ({"models": "source", ...}), __init__.py included."""
        self.write(f"{relative}/__init__.py", "")
        for name, source in modules.items():
            self.write(f"{relative}/{name.replace('.', '/')}.py", source)

    def restore(self) -> None:
        for path, original in sorted(self._originals.items(), reverse=True):
            if original is None:
                path.unlink(missing_ok=True)
                _remove_empty_parents(path.parent, stop=self.root)
            else:
                path.write_text(original, encoding="utf-8")
        self._originals.clear()

    def _remember(self, path: Path) -> None:
        if path not in self._originals:
            self._originals[path] = path.read_text(encoding="utf-8") if path.exists() else None

    # --- Running checks -------------------------------------------------------------------------

    def environment(self, **overrides: str) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if k not in MACHINE_SPECIFIC}
        environment.update(
            DEBUG="true",
            PYTHONPATH=f"{self.root}{os.pathsep}{self.root / 'src'}",
            # No bytecode: files change and change back within a second, which .pyc
            # timestamps cannot tell apart.
            PYTHONDONTWRITEBYTECODE="1",
            # Wide enough that lint-imports never wraps a contract's name.
            COLUMNS="250",
        )
        environment.update(overrides)
        return environment

    def run(self, *command: str, **environment: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.root,
            env=self.environment(**environment),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def lint_imports(self) -> LintResult:
        result = self.run(
            str(BIN / "lint-imports"), "--config", "importlinter.ini", "--no-cache", "--no-logo"
        )
        return LintResult(result, contract_names(self.root / "importlinter.ini"))

    def manage(self, *arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "manage.py", *arguments, **environment)


@dataclass(frozen=True)
class LintResult:
    process: subprocess.CompletedProcess[str]
    names: dict[str, str]  # contract id → contract name

    @property
    def output(self) -> str:
        return self.process.stdout + self.process.stderr

    @property
    def broken(self) -> set[str]:
        """Ids of the contracts lint-imports reported as broken."""
        return {
            contract_id
            for contract_id, name in self.names.items()
            if re.search(rf"^{re.escape(name)} BROKEN", self.output, re.M)
        }


def contract_names(config: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): parser[section]["name"]
        for section in parser.sections()
        if section.startswith(prefix)
    }


def _remove_empty_parents(directory: Path, stop: Path) -> None:
    while directory != stop and directory.exists() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
