"""The architecture rules by number, as docs/rules.md states them, for messages to cite.

Every contract, check and guard message names its rule through `cite()`, so a developer who hits
one is sent to the page that explains it. The titles here must match the headings of
docs/rules.md; `manage.py enforcement --check` (part of `make lint`) fails when they drift.
"""

from __future__ import annotations

RULES_PAGE = "docs/rules.md"

RULES: dict[int, str] = {
    1: "a context reaches another only through `api` and `events`",
    2: "no relation crosses a context boundary",
    3: "a context reads and writes only its own tables, in its own database",
    4: "synchronous api calls between contexts form a DAG",
    5: "modulith knows no context, and nothing imports `config`",
    6: "state changes publish events in their transaction; side effects wait for the commit",
    7: "only identity touches users and credentials",
    8: "no model signals for domain logic",
    9: "inside a context, entry points sit above services, services above selectors",
    10: "api functions are keyword-only and return frozen DTOs",
    11: "events are facts with a versioned type and JSON-representable fields",
    12: "tasks and periodic jobs are idempotent; one beat sends them",
    13: "a context's `api` is the only module that maps to its DTOs",
}


def rule_link(number: int) -> str:
    if number not in RULES:
        raise KeyError(f"There is no rule {number} in {RULES_PAGE}.")
    return f"{RULES_PAGE}#rule-{number}"


def cite(number: int) -> str:
    """'Rule 3 (docs/rules.md#rule-3)': how a message names the rule it enforces."""
    return f"Rule {number} ({rule_link(number)})"
