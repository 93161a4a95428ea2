"""Event contracts: each event type's JSON Schema, committed under contracts/events/.

A snapshot is the JSON Schema of the envelope's `data` as it goes on the wire (pydantic's
serialization schema; decimals are strings marked `"format": "decimal"`). Comparing the
declared events with the committed snapshots finds:

- breaking changes (a field removed, a field's type changed, a field newly required, an enum
  value or a null option dropped): they need a new event version (`….v<N+1>`) instead;
- compatible changes (an optional field added, documentation): refresh the snapshot;
- events without a snapshot (new types, new versions): write one;
- snapshots whose event type is no longer declared (retired versions): reported, kept.

`manage.py events schemas --check` fails on the first three; `--write` refreshes snapshots
but refuses breaking changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from modulith.events.declaration import EventSpec
from modulith.settings import modulith_setting

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Keys that document a schema without changing what it accepts.
_ANNOTATIONS = {"title", "description", "default", "examples", "$comment"}


class _WireSchema(GenerateJsonSchema):
    """pydantic's schema, with decimals told apart from plain strings."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        generated = super().decimal_schema(schema)
        if self.mode == "serialization":
            return {**generated, "format": "decimal"}
        return generated


def contracts_dir() -> Path:
    configured = modulith_setting("EVENT_CONTRACTS_DIR")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "contracts" / "events"


def event_schema(spec: EventSpec) -> dict[str, Any]:
    schema = spec.adapter.json_schema(mode="serialization", schema_generator=_WireSchema)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": spec.type,
        "x-source-context": spec.context,
        "x-subject-field": spec.subject_field,
        **schema,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def snapshot_path(directory: Path, event_type: str) -> Path:
    return directory / f"{event_type}.json"


@dataclass
class ContractReport:
    missing: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)
    breaking: dict[str, list[str]] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.outdated or self.breaking)

    def lines(self) -> list[str]:
        out = []
        for event_type, problems in sorted(self.breaking.items()):
            out.append(
                f"BREAKING {event_type}: {'; '.join(problems)}. Declare a new version "
                "(….v<N+1>) for this change and keep the old one while consumers need it."
            )
        out += [
            f"outdated {t}: compatible change; run `manage.py events schemas --write`."
            for t in self.outdated
        ]
        out += [f"missing {t}: run `manage.py events schemas --write`." for t in self.missing]
        out += [
            f"retired {t}: no event declares it any more (snapshot kept)." for t in self.retired
        ]
        return out


def compare_with_snapshots(specs: Iterable[EventSpec], directory: Path) -> ContractReport:
    report = ContractReport()
    declared = set()
    for spec in specs:
        declared.add(spec.type)
        path = snapshot_path(directory, spec.type)
        current = event_schema(spec)
        if not path.exists():
            report.missing.append(spec.type)
            continue
        committed = json.loads(path.read_text(encoding="utf-8"))
        problems = breaking_changes(committed, current)
        if problems:
            report.breaking[spec.type] = problems
        elif render(committed) != render(current):
            report.outdated.append(spec.type)
    if directory.exists():
        for path in sorted(directory.glob("*.json")):
            if path.stem not in declared:
                report.retired.append(path.stem)
    return report


def write_snapshots(
    specs: Iterable[EventSpec], directory: Path, *, allow_breaking: bool = False
) -> tuple[list[str], ContractReport]:
    """Write the missing and outdated snapshots; breaking ones only if allowed."""
    specs = list(specs)
    report = compare_with_snapshots(specs, directory)
    to_write = {*report.missing, *report.outdated}
    if allow_breaking:
        to_write |= set(report.breaking)
    directory.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        if spec.type in to_write:
            snapshot_path(directory, spec.type).write_text(render(event_schema(spec)), "utf-8")
    return sorted(to_write), report


# --- compatibility ------------------------------------------------------------------------------


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` breaks producers or consumers written against `old` ([] if nothing)."""
    problems: list[str] = []
    _compare(old, new, "data", old.get("$defs", {}), new.get("$defs", {}), problems, depth=0)
    return problems


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(defs[ref.removeprefix("#/$defs/")], defs)
    return schema


def _shape(schema: dict[str, Any]) -> tuple[Any, ...]:
    """What a schema accepts at its own level (children are compared separately)."""
    return (schema.get("type"), schema.get("format"), schema.get("const"))


def _compare(
    old: dict[str, Any],
    new: dict[str, Any],
    path: str,
    old_defs: dict[str, Any],
    new_defs: dict[str, Any],
    problems: list[str],
    depth: int,
) -> None:
    if depth > 20:  # recursive types: what was compared so far is enough
        return
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    old_options, new_options = _options(old), _options(new)
    if len(old_options) > 1 or len(new_options) > 1:
        _compare_unions(old_options, new_options, path, old_defs, new_defs, problems, depth)
        return
    old, new = old_options[0], new_options[0]
    if _shape(old) != _shape(new):
        problems.append(f"{path} changed type from {_describe(old)} to {_describe(new)}")
        return
    if "enum" in old or "enum" in new:
        dropped = set(map(str, old.get("enum", []))) - set(map(str, new.get("enum", [])))
        if dropped or ("enum" in new and "enum" not in old):
            problems.append(f"{path} no longer accepts {sorted(dropped) or 'any value'}")
    if old.get("type") == "object":
        _compare_objects(old, new, path, old_defs, new_defs, problems, depth)
    if old.get("type") == "array":
        if "items" in old or "items" in new:
            _compare(
                old.get("items", {}),
                new.get("items", {}),
                f"{path}[]",
                old_defs,
                new_defs,
                problems,
                depth + 1,
            )
        old_prefix, new_prefix = old.get("prefixItems", []), new.get("prefixItems", [])
        if len(old_prefix) != len(new_prefix):
            problems.append(f"{path} changed from {len(old_prefix)} to {len(new_prefix)} items")
        for index, (o, n) in enumerate(zip(old_prefix, new_prefix, strict=False)):
            _compare(o, n, f"{path}[{index}]", old_defs, new_defs, problems, depth + 1)


def _compare_objects(
    old: dict[str, Any],
    new: dict[str, Any],
    path: str,
    old_defs: dict[str, Any],
    new_defs: dict[str, Any],
    problems: list[str],
    depth: int,
) -> None:
    old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
    for name in old_fields:
        if name not in new_fields:
            problems.append(f"{path}.{name} was removed")
        else:
            _compare(
                old_fields[name],
                new_fields[name],
                f"{path}.{name}",
                old_defs,
                new_defs,
                problems,
                depth + 1,
            )
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        verb = "is a new required field" if name not in old_fields else "became required"
        problems.append(f"{path}.{name} {verb}")


def _options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return list(schema[key])
    return [schema]


def _compare_unions(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    path: str,
    old_defs: dict[str, Any],
    new_defs: dict[str, Any],
    problems: list[str],
    depth: int,
) -> None:
    old_resolved = [_resolve(option, old_defs) for option in old]
    new_resolved = [_resolve(option, new_defs) for option in new]
    new_by_shape = {_shape(option): option for option in new_resolved}
    for option in old_resolved:
        match = new_by_shape.get(_shape(option))
        if match is None:
            problems.append(f"{path} no longer accepts {_describe(option)}")
        else:
            _compare(option, match, path, old_defs, new_defs, problems, depth + 1)
    old_shapes = {_shape(option) for option in old_resolved}
    for option in new_resolved:
        if _shape(option) not in old_shapes:
            problems.append(f"{path} now also allows {_describe(option)}")


def _describe(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)
