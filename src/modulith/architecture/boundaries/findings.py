"""What a boundary check reports: one finding per offending place in the source."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from modulith.rules import cite


@dataclass(frozen=True)
class Check:
    """One boundary check: its id, the rule it enforces, and what it looks for."""

    id: str
    rule: int
    title: str


@dataclass(frozen=True)
class Finding:
    """One place where a context escapes its boundary. `path` is relative to the project."""

    path: str
    line: int
    col: int
    id: str
    message: str


def format_text(finding: Finding) -> str:
    """`path:line:col: ID message`, the shape editors and compilers use."""
    return f"{finding.path}:{finding.line}:{finding.col}: {finding.id} {finding.message}"


CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check("modulith.B001", 1, "dynamic import of another context's private module"),
        Check("modulith.B002", 1, "model looked up by app label in another context"),
        Check("modulith.B003", 7, "the user model named outside identity"),
        Check("modulith.B004", 3, "raw SQL: raw(), extra(), RawSQL, cursors, connections"),
        Check("modulith.B005", 3, "a SQL string naming another context's table"),
        Check("modulith.B006", 3, "another context's database alias"),
        Check("modulith.B007", 8, "a model signal connected without the decorator"),
        Check("modulith.B008", 2, "a ContentType lookup into another context"),
        Check("modulith.B009", 2, "a generic relation not limited to the context's own models"),
        Check("modulith.B010", 10, "an api module exposing a model, QuerySet, manager or module"),
        Check("modulith.B011", 1, "a private name imported from another context's api"),
        Check("modulith.B012", 11, "a subscription to an event its context never publishes"),
        Check("modulith.B013", 6, "a broker send, email or HTTP call inside a transaction"),
        Check("modulith.B014", 13, "a DTO an api function returns, built outside the api"),
    )
}


def finding(path: str, line: int, col: int, check_id: str, problem: str, fix: str) -> Finding:
    """A finding whose message names the problem, the rule (with its link) and the fix."""
    rule = CHECKS[check_id].rule
    return Finding(path, line, col, check_id, f"{problem} [{cite(rule)}] Fix: {fix}")


def format_github(finding: Finding) -> str:
    """A GitHub Actions workflow command: the finding shows on its line of a pull request.

    Values are escaped as GitHub's toolkit does, so a message may hold newlines, and a path
    commas or colons, without ending the command early.
    """
    return (
        f"::error file={_escape_property(finding.path)},line={finding.line},col={finding.col},"
        f"title={_escape_property(finding.id)}::{_escape_data(finding.message)}"
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


FORMATTERS: dict[str, Callable[[Finding], str]] = {"text": format_text, "github": format_github}


def default_format() -> str:
    """`github` inside a GitHub Actions job (which sets GITHUB_ACTIONS=true), else `text`."""
    return "github" if os.environ.get("GITHUB_ACTIONS", "").lower() == "true" else "text"
