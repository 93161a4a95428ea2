"""OpenAPI contracts per context: split the project's schema, and tell breaking changes apart.

Each context's REST contract is committed as contracts/openapi/<context>.json: the operations
under /api/<context>/ plus every component they reference. `info.version` holds the context's
API version, an integer taken from its AppConfig's `api_version` (default 1).

A change is *breaking* when a client written against the old contract can fail against the new
one: a path or operation removed, a response removed or one of its fields removed or retyped, a
request field or parameter that becomes required, a request field retyped. Breaking changes are
refused unless the context's `api_version` is raised. What is not detected: enum values, formats,
constraints (lengths, ranges) and oneOf/anyOf alternatives; review those by reading the diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from drf_spectacular.renderers import OpenApiJsonRenderer

from modulith.http.openapi import SchemaGenerator

Schema = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DEFAULT_API_VERSION = 1


# --- Splitting ----------------------------------------------------------------------------------


def generate_project_schema() -> Schema:
    """The whole project's schema as drf-spectacular serves it, as plain JSON types."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    rendered = OpenApiJsonRenderer().render(schema, renderer_context={})
    loaded: Schema = json.loads(rendered)
    return loaded


def context_prefix(context: str) -> str:
    return f"/api/{context}/"


def split_for_context(schema: Schema, context: str, *, api_version: int) -> Schema:
    """The part of `schema` that `context` serves: its paths and what they reference."""
    prefix = context_prefix(context)
    paths = {
        path: item for path, item in schema.get("paths", {}).items() if path.startswith(prefix)
    }
    components = schema.get("components", {})
    contract: Schema = {
        "openapi": schema.get("openapi", "3.0.3"),
        "info": {
            "title": f"{schema.get('info', {}).get('title', 'API')}: {context}",
            "version": str(api_version),
        },
        "paths": paths,
        "components": _referenced_components(paths, components),
    }
    security_names = {name for requirement in _security_requirements(paths) for name in requirement}
    schemes = components.get("securitySchemes", {})
    if security_names & schemes.keys():
        contract["components"]["securitySchemes"] = {
            name: schemes[name] for name in sorted(security_names & schemes.keys())
        }
    return contract


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/components/"):
            yield reference
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _referenced_components(paths: Schema, components: Schema) -> Schema:
    found: dict[str, dict[str, Any]] = {}
    pending = list(_references(paths))
    while pending:
        _, _, kind, name = pending.pop().split("/", 3)
        if name in found.get(kind, {}) or name not in components.get(kind, {}):
            continue
        component = components[kind][name]
        found.setdefault(kind, {})[name] = component
        pending.extend(_references(component))
    return {kind: dict(sorted(items.items())) for kind, items in sorted(found.items())}


def _security_requirements(paths: Schema) -> Iterator[dict[str, Any]]:
    for item in paths.values():
        for method in HTTP_METHODS:
            yield from item.get(method, {}).get("security", [])


def dumps(contract: Schema) -> str:
    """The committed form: stable key order, so a diff shows only real changes."""
    return json.dumps(contract, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- Comparing ----------------------------------------------------------------------------------


def api_version_of(contract: Schema) -> int:
    return int(contract.get("info", {}).get("version", DEFAULT_API_VERSION))


@dataclass(frozen=True)
class Assessment:
    """How a context's contract changed between the committed snapshot and the code."""

    breaking: tuple[str, ...]
    changed: bool
    old_version: int
    new_version: int

    @property
    def version_bumped(self) -> bool:
        return self.new_version > self.old_version

    @property
    def allowed(self) -> bool:
        """Non-breaking, or breaking with a raised api_version; never a lowered version."""
        if self.new_version < self.old_version:
            return False
        return not self.breaking or self.version_bumped


def assess(old: Schema, new: Schema) -> Assessment:
    return Assessment(
        breaking=tuple(breaking_changes(old, new)),
        changed=dumps(old) != dumps(new),
        old_version=api_version_of(old),
        new_version=api_version_of(new),
    )


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every way in which `new` can break a client written against `old`, in reading order."""
    problems: list[str] = []
    old_paths, new_paths = old.get("paths", {}), new.get("paths", {})
    for path in sorted(old_paths):
        if path not in new_paths:
            problems.append(f"removed path {path}")
            continue
        for method in HTTP_METHODS:
            if method not in old_paths[path]:
                continue
            where = f"{method.upper()} {path}"
            if method not in new_paths[path]:
                problems.append(f"removed operation {where}")
                continue
            differ = _Differ(old, new)
            differ.operation(
                where,
                old_paths[path][method],
                new_paths[path][method],
                old_paths[path].get("parameters", []),
                new_paths[path].get("parameters", []),
            )
            problems.extend(differ.problems)
    return problems


@dataclass
class _Differ:
    old_document: Schema
    new_document: Schema
    problems: list[str] = field(default_factory=list)
    # (old $ref, new $ref, direction) pairs already compared: recursive schemas stop here.
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def operation(
        self,
        where: str,
        old: Schema,
        new: Schema,
        old_path_parameters: list[Schema],
        new_path_parameters: list[Schema],
    ) -> None:
        self._parameters(
            where,
            [*old_path_parameters, *old.get("parameters", [])],
            [*new_path_parameters, *new.get("parameters", [])],
        )
        self._request_body(where, old.get("requestBody"), new.get("requestBody"))
        self._responses(where, old.get("responses", {}), new.get("responses", {}))

    def _parameters(self, where: str, old: list[Schema], new: list[Schema]) -> None:
        def by_key(document: Schema, parameters: list[Schema]) -> dict[tuple[str, str], Schema]:
            resolved = (_resolve(document, parameter) for parameter in parameters)
            return {(p.get("in", ""), p.get("name", "")): p for p in resolved}

        old_parameters = by_key(self.old_document, old)
        for key, parameter in sorted(by_key(self.new_document, new).items()):
            before = old_parameters.get(key)
            if parameter.get("required") and not (before and before.get("required")):
                state = "new required" if before is None else "now required"
                self.problems.append(f"{where}: {state} {key[0]} parameter {key[1]!r}")

    def _request_body(self, where: str, old: Schema | None, new: Schema | None) -> None:
        if new is None:
            return
        old = _resolve(self.old_document, old) if old else None
        new = _resolve(self.new_document, new)
        if old is None:
            if new.get("required"):
                self.problems.append(f"{where}: now requires a request body")
            return
        if new.get("required") and not old.get("required"):
            self.problems.append(f"{where}: now requires a request body")
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media_type in sorted(old_content.keys() & new_content.keys()):
            self._request_schema(
                f"{where} request",
                old_content[media_type].get("schema", {}),
                new_content[media_type].get("schema", {}),
            )

    def _responses(self, where: str, old: Schema, new: Schema) -> None:
        for status in sorted(old):
            if not str(status).startswith("2"):
                continue  # error responses document failures; clients do not parse them for data
            if status not in new:
                self.problems.append(f"{where}: removed response {status}")
                continue
            old_response = _resolve(self.old_document, old[status])
            new_response = _resolve(self.new_document, new[status])
            old_content = old_response.get("content", {})
            new_content = new_response.get("content", {})
            for media_type in sorted(old_content):
                if media_type not in new_content:
                    self.problems.append(f"{where}: response {status} no longer in {media_type}")
                    continue
                self._response_schema(
                    f"{where} response {status}",
                    old_content[media_type].get("schema", {}),
                    new_content[media_type].get("schema", {}),
                )

    def _request_schema(self, where: str, old: Schema, new: Schema) -> None:
        if self._already_compared(old, new, "request"):
            return
        old, new = _flatten(self.old_document, old), _flatten(self.new_document, new)
        self._type_change(where, old, new)
        old_required = set(old.get("required", []))
        old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
        for name in sorted(set(new.get("required", [])) - old_required):
            state = "new required" if name not in old_properties else "now required"
            self.problems.append(f"{where}: {state} field {name!r}")
        for name in sorted(old_properties.keys() & new_properties.keys()):
            self._request_schema(f"{where}.{name}", old_properties[name], new_properties[name])
        if "items" in old and "items" in new:
            self._request_schema(f"{where}[]", old["items"], new["items"])

    def _response_schema(self, where: str, old: Schema, new: Schema) -> None:
        if self._already_compared(old, new, "response"):
            return
        old, new = _flatten(self.old_document, old), _flatten(self.new_document, new)
        self._type_change(where, old, new)
        old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
        for name in sorted(old_properties):
            if name not in new_properties:
                self.problems.append(f"{where}: removed field {name!r}")
            else:
                self._response_schema(f"{where}.{name}", old_properties[name], new_properties[name])
        if "items" in old and "items" in new:
            self._response_schema(f"{where}[]", old["items"], new["items"])

    def _type_change(self, where: str, old: Schema, new: Schema) -> None:
        if "type" in old and "type" in new and old["type"] != new["type"]:
            self.problems.append(f"{where}: type changed from {old['type']} to {new['type']}")

    def _already_compared(self, old: Schema, new: Schema, direction: str) -> bool:
        old_reference, new_reference = old.get("$ref"), new.get("$ref")
        if old_reference is None or new_reference is None:
            return False
        key = (old_reference, new_reference, direction)
        if key in self._seen:
            return True
        self._seen.add(key)
        return False


def _resolve(document: Schema, node: Schema) -> Schema:
    """Follow `$ref`s (to any component kind) until a definition is reached."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node and node["$ref"] not in seen:
        seen.add(node["$ref"])
        _, _, kind, name = node["$ref"].split("/", 3)
        node = document.get("components", {}).get(kind, {}).get(name, {})
    return dict(node)


def _flatten(document: Schema, node: Schema) -> Schema:
    """A schema with its `$ref` resolved and its `allOf` parts merged into one object schema
    (drf-spectacular wraps nullable references as {"allOf": [{"$ref": ...}], "nullable": true})."""
    schema = _resolve(document, node)
    parts = schema.pop("allOf", [])
    for part in parts:
        resolved = _flatten(document, part)
        schema.setdefault("properties", {}).update(resolved.get("properties", {}))
        schema["required"] = sorted({*schema.get("required", []), *resolved.get("required", [])})
        for key in ("type", "items"):
            if key in resolved:
                schema.setdefault(key, resolved[key])
    return schema
