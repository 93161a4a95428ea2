"""docs/enforcement.md: every architecture rule, what enforces it, and the test proving it does.

Generated from the things themselves, so it cannot drift: the rules from modulith.rules
(checked against the headings of docs/rules.md), the import contracts from
importlinter.ini (the rule each one's guidance cites), the system checks from modulith.checks,
the boundary checks from modulith.architecture.boundaries, the guards from modulith.guards, and
the injection tests from tests/architecture/ (any test function that names an enforcement by
its id, or a guard by its exception).
"""

from __future__ import annotations

import ast
import configparser
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from modulith import checks
from modulith.architecture.boundaries import CHECKS as BOUNDARY_CHECKS
from modulith.guards.errors import GUARDS
from modulith.rules import RULES, RULES_PAGE

CONTRACTS_FILE = "importlinter.ini"
TESTS_DIRECTORY = Path("tests") / "architecture"
PAGE = Path("docs") / "enforcement.md"

# What else enforces a rule at run time, outside the checks and guards above.
OTHER_RUNTIME: tuple[tuple[int, str, str], ...] = (
    (6, "`PublishOutsideTransactionError`", "publish() outside a transaction raises"),
    (6, "`RemoteCallInTransaction`", "a remote api call inside a transaction raises"),
    (10, "`@api_function`", "refuses, at import, a function with positional parameters"),
    (11, "`@event`", "refuses a type that is not versioned, or a class that is not frozen"),
    (12, "the beat lease (`modulith.ops.beat`)", "only the holder of the lease sends"),
)


@dataclass(frozen=True)
class Enforcement:
    rule: int | None
    kind: str  # "import contract", "system check", "boundary check", "run-time guard"
    id: str
    what: str


def contracts(root: Path) -> list[Enforcement]:
    parser = configparser.ConfigParser()
    parser.read(root / CONTRACTS_FILE, encoding="utf-8")
    found: list[Enforcement] = []
    for section in parser.sections():
        if not section.startswith("importlinter:contract:"):
            continue
        guidance = parser[section].get("broken_contract_guidance", "")
        cited = re.search(r"Rule (\d+)", guidance)
        found.append(
            Enforcement(
                int(cited[1]) if cited else None,
                "import contract",
                section.removeprefix("importlinter:contract:"),
                parser[section]["name"],
            )
        )
    return found


def system_checks() -> list[Enforcement]:
    titles = dict(re.findall(r"^(E\d{3}) (.+)$", checks.__doc__ or "", re.M))
    return [
        Enforcement(rule, "system check", check_id, titles.get(check_id.split(".")[1], ""))
        for check_id, rule in checks.CHECK_RULES.items()
    ]


def boundary_checks() -> list[Enforcement]:
    return [
        Enforcement(check.rule, "boundary check", check.id, check.title)
        for check in BOUNDARY_CHECKS.values()
    ]


def guards() -> list[Enforcement]:
    return [
        Enforcement(guard.rule, "run-time guard", guard.__name__, (guard.__doc__ or "").strip())
        for guard in GUARDS
    ]


def all_enforcements(root: Path) -> list[Enforcement]:
    return [*contracts(root), *system_checks(), *boundary_checks(), *guards()]


def injection_tests(root: Path, ids: set[str]) -> dict[str, list[str]]:
    """{enforcement id: ["file::test", ...]} from the tests that name it."""
    tests: dict[str, list[str]] = defaultdict(list)
    for path in sorted((root / TESTS_DIRECTORY).glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                named = _named_id(node, ids)
                if named is None:
                    continue
                label = _label(node, function)
                entry = f"{path.name}::{label}"
                if entry not in tests[named]:
                    tests[named].append(entry)
    return tests


def _named_id(node: ast.AST, ids: set[str]) -> str | None:
    if isinstance(node, ast.Constant) and node.value in ids:
        return str(node.value)
    if isinstance(node, ast.Name) and node.id in ids:
        return node.id
    return None


def _label(node: ast.AST, function: ast.FunctionDef) -> str:
    """The test's name; for a table of violations built by a helper, the violation's name."""
    if function.name.startswith("_"):
        for call in ast.walk(function):
            if isinstance(call, ast.Call) and len(call.args) > 1 and call.args[1] is node:
                first = call.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    return f'"{first.value}"'
    return function.name


def rule_headings(root: Path) -> dict[int, str]:
    text = (root / RULES_PAGE).read_text(encoding="utf-8")
    return {int(n): title for n, title in re.findall(r"^## Rule (\d+): (.+)$", text, re.M)}


def drift(root: Path) -> list[str]:
    """What no longer matches: rule titles against docs/rules.md, enforcements without tests."""
    problems = []
    headings = rule_headings(root)
    if headings != RULES:
        problems.append(
            f"The rule titles in modulith.rules differ from the headings of "
            f"{RULES_PAGE}: make them say the same."
        )
    enforcements = all_enforcements(root)
    tested = injection_tests(root, {e.id for e in enforcements})
    for enforcement in enforcements:
        if enforcement.id not in tested:
            problems.append(f"{enforcement.kind} {enforcement.id} has no injection test.")
    return problems


def render(root: Path) -> str:
    enforcements = all_enforcements(root)
    tested = injection_tests(root, {e.id for e in enforcements})
    by_rule: dict[int | None, list[Enforcement]] = defaultdict(list)
    for enforcement in enforcements:
        by_rule[enforcement.rule].append(enforcement)
    lines = [
        "# What enforces each architecture rule",
        "",
        "<!-- Generated by `manage.py enforcement`; `make lint` fails when it is stale. -->",
        "",
        f"For each rule of [rules.md](rules.md): the import contracts (`{CONTRACTS_FILE}`), "
        "system checks (`manage.py check`), boundary checks (`manage.py boundaries`) and "
        "run-time guards (`modulith.guards`, on under the test kit and `DEBUG`) that enforce "
        "it, and the tests under `tests/architecture/` that inject a violation and prove it "
        "is caught.",
        "",
    ]
    for number, title in RULES.items():
        lines += [f"## [Rule {number}](rules.md#rule-{number}): {title}", ""]
        lines += _table(by_rule.get(number, []), tested)
        lines += [
            f"- also at run time: {thing}: {what}"
            for rule, thing, what in OTHER_RUNTIME
            if rule == number
        ]
        if any(rule == number for rule, _, _ in OTHER_RUNTIME):
            lines.append("")
    lines += ["## Configuration checks (no architecture rule)", ""]
    lines += _table(by_rule.get(None, []), tested)
    return "\n".join(lines).rstrip() + "\n"


def _table(enforcements: list[Enforcement], tested: dict[str, list[str]]) -> list[str]:
    if not enforcements:
        return ["Nothing checks this rule mechanically: code review does.", ""]
    rows = ["| enforced by | id | catches | injection tests |", "|---|---|---|---|"]
    for e in enforcements:
        tests = "<br>".join(f"`{test}`" for test in tested.get(e.id, [])) or "**none**"
        rows.append(f"| {e.kind} | `{e.id}` | {e.what} | {tests} |")
    return [*rows, ""]
