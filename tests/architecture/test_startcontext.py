"""`manage.py startcontext` makes a context that passes every check unchanged."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

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


@pytest.mark.slow
def test_the_new_context_runs_in_every_committed_topology_without_an_edit(
    project_with_new_context: Project,
) -> None:
    checked = project_with_new_context.manage("topology", "check", "--every")
    shown = project_with_new_context.manage("topology", "--all", "--json", "--topology", "services")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    services = {s["name"]: s for s in json.loads(shown.stdout)["services"]}
    assert services["identity"]["contexts"] == ["identity", "loyalty"]


@pytest.mark.slow
def test_the_new_context_is_extracted_by_adding_it_to_a_topology_file(
    project_with_new_context: Project, tmp_path: Path
) -> None:
    project = project_with_new_context
    project.write(
        "config/topologies/loyalty.toml",
        '[services.shop]\ncontexts = ["*"]\nurl = "http://shop:8000"\n'
        'database = "DATABASE_URL"\n\n'
        '[services.loyalty]\ncontexts = ["loyalty"]\nurl = "${LOYALTY_URL:-http://loyalty:8000}"\n'
        'database = "LOYALTY_DATABASE_URL"\n',
    )
    database = tmp_path / "loyalty.sqlite3"
    as_loyalty = {
        "SHOP_TOPOLOGY": "loyalty",
        "SHOP_SERVICE": "loyalty",
        "LOYALTY_DATABASE_URL": f"sqlite:///{database}",
    }
    try:
        # The file's rules; a process's own (broker, keys) are the deployment's business.
        checked = project.manage("topology", "check", "--topology", "loyalty")
        loyalty = json.loads(project.manage("topology", "--json", **as_loyalty).stdout)
        shop = json.loads(
            project.manage(
                "topology", "--json", SHOP_TOPOLOGY="loyalty", SHOP_SERVICE="shop"
            ).stdout
        )
        migrated = project.manage("migrate", "--no-input", **as_loyalty)
    finally:
        project.restore()

    assert checked.returncode == 0, checked.stdout + checked.stderr
    (service,) = loyalty["services"]
    assert service["contexts"] == ["loyalty"]
    assert service["queues"] == ["ctx.loyalty"]
    assert "/api/loyalty/" in service["routes"]
    assert shop["services"][0]["remote_contexts"]["loyalty"] == "http://loyalty:8000"
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    with sqlite3.connect(database) as db:
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {"modulith_outboxmessage", "modulith_inboxmessage"} <= tables
    assert not {t for t in tables if t.startswith(("auth_", "catalog_", "identity_", "orders_"))}
