"""OpenAPI contracts: split per context, and breaking changes told apart from safe ones.

The comparison is tested on small hand-written schemas; the committed snapshots are checked
against the code at the end.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from modulith.architecture.openapi import assess, breaking_changes, dumps, split_for_context
from tests.architecture.project import ROOT, Project

Schema = dict[str, Any]


def contract(version: int = 1) -> Schema:
    """A small contract: list and create widgets."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop: widgets", "version": str(version)},
        "paths": {
            "/api/widgets/": {
                "get": {
                    "parameters": [
                        {
                            "in": "query",
                            "name": "limit",
                            "required": False,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Widget"},
                                    }
                                }
                            }
                        }
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/WidgetRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Widget"}
                                }
                            }
                        },
                        "400": {"$ref": "#/components/responses/BadRequest"},
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Widget": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "name": {"type": "string"},
                        "size": {
                            "allOf": [{"$ref": "#/components/schemas/Size"}],
                            "nullable": True,
                        },
                    },
                },
                "Size": {
                    "type": "object",
                    "properties": {"width": {"type": "integer"}, "height": {"type": "integer"}},
                },
                "WidgetRequest": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "colour": {"type": "string"}},
                },
            },
            "responses": {"BadRequest": {"description": "Invalid input."}},
        },
    }


def changed(change: Any, version: int = 1) -> Schema:
    new = copy.deepcopy(contract(version))
    change(new)
    return new


def schemas(document: Schema) -> Schema:
    return document["components"]["schemas"]


def test_an_unchanged_contract_is_neither_changed_nor_breaking() -> None:
    assessment = assess(contract(), contract())

    assert not assessment.changed
    assert assessment.breaking == ()
    assert assessment.allowed


def test_a_removed_path_is_breaking() -> None:
    new = changed(lambda c: c["paths"].pop("/api/widgets/"))

    assert breaking_changes(contract(), new) == ["removed path /api/widgets/"]


def test_a_removed_operation_is_breaking() -> None:
    new = changed(lambda c: c["paths"]["/api/widgets/"].pop("post"))

    assert breaking_changes(contract(), new) == ["removed operation POST /api/widgets/"]


def test_an_added_optional_request_field_is_fine() -> None:
    new = changed(
        lambda c: schemas(c)["WidgetRequest"]["properties"].update(shape={"type": "string"})
    )

    assessment = assess(contract(), new)

    assert assessment.changed
    assert assessment.breaking == ()
    assert assessment.allowed


def test_an_added_response_field_and_a_new_path_are_fine() -> None:
    def grow(c: Schema) -> None:
        schemas(c)["Widget"]["properties"]["colour"] = {"type": "string"}
        c["paths"]["/api/widgets/{id}/"] = {"get": {"responses": {"200": {}}}}

    assert breaking_changes(contract(), changed(grow)) == []


def test_a_new_required_request_field_is_breaking() -> None:
    def require_colour(c: Schema) -> None:
        schemas(c)["WidgetRequest"]["required"].append("colour")
        schemas(c)["WidgetRequest"]["properties"]["shape"] = {"type": "string"}
        schemas(c)["WidgetRequest"]["required"].append("shape")

    found = breaking_changes(contract(), changed(require_colour))

    assert found == [
        "POST /api/widgets/ request: now required field 'colour'",
        "POST /api/widgets/ request: new required field 'shape'",
    ]


def test_a_new_required_parameter_is_breaking_and_an_optional_one_is_not() -> None:
    def add_parameters(c: Schema) -> None:
        parameters = c["paths"]["/api/widgets/"]["get"]["parameters"]
        parameters.append({"in": "query", "name": "shop", "required": True})
        parameters.append({"in": "query", "name": "offset", "required": False})

    found = breaking_changes(contract(), changed(add_parameters))

    assert found == ["GET /api/widgets/: new required query parameter 'shop'"]


def test_a_removed_response_field_is_breaking_wherever_it_is_nested() -> None:
    def shrink(c: Schema) -> None:
        schemas(c)["Widget"]["properties"].pop("name")
        schemas(c)["Size"]["properties"].pop("height")

    found = breaking_changes(contract(), changed(shrink))

    assert "GET /api/widgets/ response 200[]: removed field 'name'" in found
    assert "GET /api/widgets/ response 200[].size: removed field 'height'" in found
    assert "POST /api/widgets/ response 201: removed field 'name'" in found


def test_a_retyped_response_field_and_a_removed_success_response_are_breaking() -> None:
    def retype(c: Schema) -> None:
        schemas(c)["Widget"]["properties"]["name"] = {"type": "integer"}
        post = c["paths"]["/api/widgets/"]["post"]
        post["responses"]["200"] = post["responses"].pop("201")

    found = breaking_changes(contract(), changed(retype))

    assert "GET /api/widgets/ response 200[].name: type changed from string to integer" in found
    assert "POST /api/widgets/: removed response 201" in found


def test_a_breaking_change_is_allowed_once_the_api_version_is_bumped() -> None:
    new = changed(lambda c: c["paths"].pop("/api/widgets/"), version=2)

    assessment = assess(contract(version=1), new)

    assert assessment.breaking
    assert assessment.version_bumped
    assert assessment.allowed


def test_a_breaking_change_without_a_bump_is_refused() -> None:
    new = changed(lambda c: c["paths"].pop("/api/widgets/"))

    assert not assess(contract(), new).allowed


def test_a_lowered_api_version_is_refused_even_without_changes() -> None:
    assert not assess(contract(version=3), contract(version=2)).allowed


def test_a_recursive_schema_is_compared_without_looping() -> None:
    def recurse(c: Schema) -> None:
        schemas(c)["Size"]["properties"]["inner"] = {"$ref": "#/components/schemas/Size"}

    assert breaking_changes(changed(recurse), changed(recurse)) == []


def test_a_context_gets_its_own_paths_and_only_the_components_they_reference() -> None:
    project = contract()
    project["paths"]["/api/gadgets/"] = {
        "get": {"responses": {"200": {"$ref": "#/components/responses/Gadgets"}}}
    }
    project["components"]["responses"]["Gadgets"] = {"description": "Gadgets."}
    project["components"]["schemas"]["Unused"] = {"type": "object"}

    widgets = split_for_context(project, "widgets", api_version=4)

    assert list(widgets["paths"]) == ["/api/widgets/"]
    assert sorted(widgets["components"]["schemas"]) == ["Size", "Widget", "WidgetRequest"]
    assert sorted(widgets["components"]["responses"]) == ["BadRequest"]
    assert widgets["info"]["version"] == "4"


def test_the_committed_form_is_stable_whatever_the_key_order() -> None:
    reordered = json.loads(json.dumps(contract()), object_pairs_hook=lambda p: dict(reversed(p)))

    assert dumps(reordered) == dumps(contract())


# --- The command --------------------------------------------------------------------------------


def test_the_committed_openapi_contracts_match_the_code() -> None:
    # As `make lint` runs it: in a process of its own, without the test-only apps.
    result = Project(ROOT).manage("openapi_contracts", "--check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_written_contracts_pass_the_check(tmp_path: Path) -> None:
    call_command("openapi_contracts", "--write", "--directory", str(tmp_path))

    call_command("openapi_contracts", "--check", "--directory", str(tmp_path))


def test_the_check_refuses_a_removed_path_and_says_how_to_fix_it(tmp_path: Path) -> None:
    call_command("openapi_contracts", "--write", "--directory", str(tmp_path))
    snapshot = sorted(tmp_path.glob("*.json"))[0]
    old = json.loads(snapshot.read_text(encoding="utf-8"))
    old["paths"]["/api/gone/"] = {"get": {"responses": {"200": {}}}}
    snapshot.write_text(dumps(old), encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("openapi_contracts", "--check", "--directory", str(tmp_path))

    assert "removed path /api/gone/" in str(failure.value)
    assert "raise `api_version` to 2" in str(failure.value)


def test_writing_refuses_a_breaking_change_too(tmp_path: Path) -> None:
    call_command("openapi_contracts", "--write", "--directory", str(tmp_path))
    snapshot = sorted(tmp_path.glob("*.json"))[0]
    old = json.loads(snapshot.read_text(encoding="utf-8"))
    old["paths"]["/api/gone/"] = {"get": {"responses": {"200": {}}}}
    snapshot.write_text(dumps(old), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("openapi_contracts", "--write", "--directory", str(tmp_path))

    assert "/api/gone/" in snapshot.read_text(encoding="utf-8")


def test_a_snapshot_of_no_installed_context_is_reported(tmp_path: Path) -> None:
    call_command("openapi_contracts", "--write", "--directory", str(tmp_path))
    (tmp_path / "departed.json").write_text("{}", encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("openapi_contracts", "--check", "--directory", str(tmp_path))

    assert "departed.json belongs to no installed context" in str(failure.value)
