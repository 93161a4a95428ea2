"""`manage.py lint_architecture` anchors every finding to its line, in both output formats.

A copy of the shop gets a deliberately broken boundary of each kind the lint reads: an import
across contexts (import contract), a foreign key across contexts (system check modulith.E006)
and a raw SQL cursor (boundary check modulith.B004). Each must come out as
`path:line:col: ID message` and, inside GitHub Actions, as an `::error` annotation on the same
line, so a pull request shows it where the code is.
"""

from __future__ import annotations

import re

import pytest

from modulith.architecture.boundaries import Finding
from modulith.architecture.boundaries.findings import default_format, format_github
from tests.architecture.project import Project

CONTRACT = "importlinter.contexts-talk-through-api-and-events"

BROKEN = {
    CONTRACT: (
        "contexts/orders/selectors.py",
        "from contexts.inventory.models import StockItem  # probe: contract\n",
    ),
    "modulith.E006": (
        "contexts/shipping/models.py",
        "class ProbeParcel(models.Model):\n"
        '    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE)  # probe: check\n',
    ),
    "modulith.B004": (
        "contexts/catalog/selectors.py",
        "def probe_count():\n"
        "    from django.db import connection\n\n"
        "    with connection.cursor() as cursor:  # probe: boundary\n"
        '        cursor.execute("SELECT 1")\n',
    ),
}


def inject(project: Project) -> dict[str, tuple[str, int]]:
    """Break each boundary; return {finding id: (path, line)} of the probe lines."""
    places = {}
    for finding_id, (path, code) in BROKEN.items():
        lines = project.append(path, code).read_text(encoding="utf-8").splitlines()
        places[finding_id] = (
            path,
            next(n for n, text in enumerate(lines, 1) if "# probe:" in text),
        )
    return places


def test_a_broken_boundary_is_a_line_anchored_finding_in_both_formats(project: Project) -> None:
    places = inject(project)

    text = project.manage("lint_architecture", GITHUB_ACTIONS="false")
    github = project.manage("lint_architecture", GITHUB_ACTIONS="true")

    assert text.returncode != 0, text.stdout + text.stderr
    assert github.returncode != 0, github.stdout + github.stderr
    for finding_id, (path, line) in places.items():
        text_line = rf"^{re.escape(path)}:{line}:\d+: {re.escape(finding_id)} \S"
        annotation = rf"^::error file={path},line={line},col=\d+,title={finding_id}::\S"
        assert re.search(text_line, text.stdout, re.M), f"no {text_line}:\n{text.stdout}"
        assert re.search(annotation, github.stdout, re.M), f"no {annotation}:\n{github.stdout}"
    contract_line = next(out for out in text.stdout.splitlines() if CONTRACT in out)
    assert "contexts.orders.selectors -> contexts.inventory.models" in contract_line
    assert "Fix:" in contract_line


def test_the_shop_as_it_stands_has_no_architecture_finding(project: Project) -> None:
    result = project.manage("lint_architecture", "--format", "github")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout


def test_an_annotation_escapes_what_would_end_the_command_early() -> None:
    found = Finding("contexts/a,b/x:y.py", 3, 7, "modulith.B001", "50% off\nsecond line")

    annotation = format_github(found)

    assert annotation == (
        "::error file=contexts/a%2Cb/x%3Ay.py,line=3,col=7,title=modulith.B001::"
        "50%25 off%0Asecond line"
    )


@pytest.mark.parametrize(("value", "expected"), [("true", "github"), ("", "text")])
def test_github_actions_chooses_annotations(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", value)

    assert default_format() == expected


def test_the_annotation_format_matches_what_github_parses() -> None:
    annotation = format_github(Finding("a.py", 1, 2, "modulith.E006", "Across contexts."))

    assert re.fullmatch(r"::error file=[^,]+,line=\d+,col=\d+,title=[^:]+::.+", annotation)
