"""docs/enforcement.md is generated from the contracts, checks, guards and their injection tests:
the committed page matches them, and `manage.py enforcement --check` (in `make lint`) fails when
an enforcement appears without an injection test or the page is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from modulith.architecture.enforcement import PAGE, drift, render
from modulith.rules import RULES
from tests.architecture.project import ROOT, Project

NEW_CONTRACT = """
# Rule 5.
[importlinter:contract:probe-untested]
name = probe contract nobody tests
type = forbidden
source_modules =
    contexts
forbidden_modules =
    modulith.probe
broken_contract_guidance =
    Rule 5 (docs/rules.md#rule-5): probe.
"""


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.copy(tmp_path_factory.mktemp("project"), extra=("docs", "tests/architecture"))


def test_the_committed_page_matches_the_code() -> None:
    committed = (ROOT / PAGE).read_text(encoding="utf-8")

    assert render(ROOT) == committed, "run `manage.py enforcement` and commit docs/enforcement.md"


def test_every_rule_has_a_section_and_every_enforcement_a_test() -> None:
    page = render(ROOT)

    assert drift(ROOT) == []
    assert "**none**" not in page
    for number in RULES:
        assert f"## [Rule {number}](rules.md#rule-{number})" in page


def test_the_check_passes_on_the_project_as_it_stands(project: Project) -> None:
    result = project.manage("enforcement", "--check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_contract_without_an_injection_test_fails_the_check(project: Project) -> None:
    project.append("importlinter.ini", NEW_CONTRACT)

    result = project.manage("enforcement", "--check")

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "import contract probe-untested has no injection test." in output
    assert "docs/enforcement.md no longer matches the code" in output


def test_a_rule_renamed_in_one_place_only_fails_the_check(project: Project) -> None:
    rules = Path("docs/rules.md")
    text = (project.root / rules).read_text(encoding="utf-8")
    project.write(str(rules), text.replace("## Rule 4: synchronous", "## Rule 4: asynchronous"))

    result = project.manage("enforcement", "--check")

    assert result.returncode != 0
    assert "differ from the headings of docs/rules.md" in result.stdout + result.stderr
