"""`manage.py startcontext` makes a context that passes every check unchanged."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.architecture.project import BIN, Project

# Beyond the code: what pytest, ruff, mypy and the generated artefacts need.
EXTRA = ("pyproject.toml", "tests", "docs")


@pytest.fixture(scope="module")
def project_with_new_context(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project.copy(tmp_path_factory.mktemp("project"), extra=EXTRA)
    # Snapshots as the code stands, so what is checked below is the new context alone.
    shutil.rmtree(project.root / "contracts", ignore_errors=True)
    written = project.manage("openapi_contracts", "--write")
    assert written.returncode == 0, written.stdout + written.stderr

    created = project.manage("startcontext", "loyalty")

    assert created.returncode == 0, created.stdout + created.stderr
    return project


def test_startcontext_creates_the_anatomy_and_registers_the_context(
    project_with_new_context: Project,
) -> None:
    root = project_with_new_context.root

    assert (root / "contexts/loyalty/apps.py").exists()
    assert (root / "contexts/loyalty/rest/urls.py").exists()
    assert (root / "tests/loyalty/test_apps.py").exists()
    applications = (root / "config/settings/applications.py").read_text(encoding="utf-8")
    assert '    "contexts.loyalty",\n]' in applications


def test_the_new_context_keeps_every_import_contract(project_with_new_context: Project) -> None:
    result = project_with_new_context.lint_imports()

    assert result.process.returncode == 0, result.output


def test_the_new_context_passes_the_system_checks(project_with_new_context: Project) -> None:
    result = project_with_new_context.manage("check", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_new_contexts_first_test_passes(project_with_new_context: Project) -> None:
    result = project_with_new_context.run(
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/loyalty"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_context_map_already_shows_the_new_context(
    project_with_new_context: Project,
) -> None:
    result = project_with_new_context.manage("contextmap", "--check")

    map_text = (project_with_new_context.root / "docs/architecture/context-map.md").read_text(
        encoding="utf-8"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "## loyalty" in map_text


def test_the_new_context_needs_no_openapi_snapshot_until_it_serves_something(
    project_with_new_context: Project,
) -> None:
    result = project_with_new_context.manage("openapi_contracts", "--check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_code_is_lint_clean(project_with_new_context: Project) -> None:
    paths = ("contexts/loyalty", "tests/loyalty")

    check = project_with_new_context.run(str(BIN / "ruff"), "check", *paths)
    formatted = project_with_new_context.run(str(BIN / "ruff"), "format", "--check", *paths)

    assert check.returncode == 0, check.stdout + check.stderr
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_a_second_context_with_the_same_name_is_refused(
    project_with_new_context: Project,
) -> None:
    result = project_with_new_context.manage("startcontext", "loyalty", "--no-contextmap")

    assert result.returncode != 0
    assert "already" in result.stderr


def test_the_new_context_type_checks(project_with_new_context: Project) -> None:
    result = project_with_new_context.run(str(BIN / "mypy"), "contexts/loyalty", "tests/loyalty")

    assert result.returncode == 0, result.stdout + result.stderr
