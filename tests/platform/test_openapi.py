"""The OpenAPI schema documents every error as a Problem; the docs work offline."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from modulith.http.openapi import add_problem_responses
from tests.support.problems import PROBLEM

OPENAPI_JSON = "application/vnd.oai.openapi+json"
# Anything that would make a browser fetch from another host.
EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def schema(client: APIClient) -> dict[str, Any]:
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    return dict(response.json())


def resolve(schema: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        return dict(schema["components"]["responses"][name])
    return response


# --- The schema -----------------------------------------------------------------------------


def test_the_schema_is_served_without_credentials(client: APIClient) -> None:
    response = client.get("/api/schema/", HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert response.status_code == 200


def test_the_schema_declares_the_problem_component(schema: dict[str, Any]) -> None:
    problem = schema["components"]["schemas"]["Problem"]

    assert problem["required"] == ["type", "title", "status", "detail"]
    assert problem["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ProblemFieldError"
    }
    assert set(schema["components"]["schemas"]["ProblemFieldError"]["required"]) == {
        "field",
        "message",
        "code",
    }


def test_every_operation_answers_its_errors_as_problems(schema: dict[str, Any]) -> None:
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]

    assert operations
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "default" in responses, f"{method} {path}"
        for code, response in responses.items():
            if code == "default" or code[0] in "45":
                content = resolve(schema, response)["content"]
                assert list(content) == [PROBLEM], f"{method} {path} {code}"


def test_the_health_probes_are_documented_without_security(schema: dict[str, Any]) -> None:
    live = schema["paths"]["/health/"]["get"]
    ready = schema["paths"]["/health/ready/"]["get"]

    assert live["security"] == [{}]
    assert ready["security"] == [{}]
    assert list(ready["responses"]["503"]["content"]) == [PROBLEM]


def test_the_hook_adds_the_errors_an_operation_can_answer() -> None:
    result: dict[str, Any] = {
        "paths": {
            "/things/{id}/": {
                "patch": {
                    "requestBody": {"content": {"application/json": {}}},
                    "security": [{"jwtAuth": []}],
                    "responses": {
                        "200": {"description": ""},
                        "409": {"description": "Conflict."},
                    },
                },
                "get": {"security": [{"jwtAuth": []}, {}], "responses": {"200": {}}},
            },
        }
    }

    add_problem_responses(result, generator=None, request=None, public=True)

    patch = result["paths"]["/things/{id}/"]["patch"]["responses"]
    get = result["paths"]["/things/{id}/"]["get"]["responses"]
    assert set(patch) == {"200", "400", "401", "403", "404", "409", "413", "415", "default"}
    assert patch["409"]["content"] == {
        PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert patch["413"] == {"$ref": "#/components/responses/ContentTooLarge"}
    assert set(get) == {"200", "401", "404", "default"}


def test_the_schema_validates_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


# --- Swagger UI and ReDoc, offline ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_nothing_from_another_host(client: APIClient, url: str) -> None:
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in html
    assert EXTERNAL_URL.findall(html) == []


@pytest.mark.parametrize(
    "asset",
    [
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    ],
)
def test_the_assets_the_docs_need_are_installed_static_files(asset: str) -> None:
    path = finders.find(asset)

    assert path is not None
