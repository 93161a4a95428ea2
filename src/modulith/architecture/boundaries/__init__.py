"""Boundary checks (modulith.B0xx): every way out of a context that the source shows.

The import contracts see imports; the system checks (modulith.E0xx) see relations and
registries. These see the rest: dynamic lookups, raw SQL, literal database aliases, signals
connected by hand, generic relations, models leaking through an api, api DTOs built outside
the api, subscriptions to events nobody publishes, and side effects inside transactions.
`manage.py boundaries` runs them (part of `make lint`); what the source cannot show is caught at
run time by modulith.guards.
"""

from __future__ import annotations

from modulith.architecture.boundaries.findings import CHECKS, Check, Finding, format_text
from modulith.architecture.boundaries.mapping import dto_builds, result_dtos
from modulith.architecture.boundaries.owners import Owners
from modulith.architecture.boundaries.registry import (
    api_exposures,
    generic_relations,
    unpublished_subscriptions,
)
from modulith.architecture.boundaries.scan import scan
from modulith.architecture.boundaries.source import context_modules

__all__ = ["CHECKS", "Check", "Finding", "check_boundaries", "format_text"]


def check_boundaries() -> list[Finding]:
    """Every finding over the installed contexts, sorted by place, one per place and check."""
    owners = Owners.from_registry()
    findings: list[Finding] = []
    instantiated: dict[str, set[str]] = {}
    for context in owners.contexts:
        dtos = result_dtos(context)
        for source in context_modules(context):
            scanner = scan(source, owners)
            findings += scanner.findings
            findings += dto_builds(source, dtos)
            if source.leaf != "events":
                instantiated.setdefault(context.label, set()).update(scanner.instantiated)
    findings += api_exposures(owners)
    findings += generic_relations(owners)
    findings += unpublished_subscriptions(owners, instantiated)
    unique = {(f.path, f.line, f.id): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.path, f.line, f.col, f.id))
