"""GET /health/ (liveness) and GET /health/ready/ (readiness)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings
from rest_framework.test import APIClient

from tests.support.problems import assert_problem_type


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable_database(
    db: None, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point the default alias somewhere that cannot answer; restored after the test.

    The readiness check opens a fresh connection from these settings, so the test's own
    connection (and its transaction) are untouched.
    """
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(settings_dict, "PORT", str(closed_port))
    else:
        monkeypatch.setitem(settings_dict, "NAME", "/nonexistent-directory/shop.sqlite3")
    yield


def redis_cache(url: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


# --- Liveness -------------------------------------------------------------------------------


def test_liveness_answers_200_without_touching_the_database(client: APIClient) -> None:
    # No `db` fixture: any database access would fail this request.
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_liveness_answers_200_while_the_cache_is_down(client: APIClient, closed_port: int) -> None:
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port}/0")):
        response = client.get("/health/")

    assert response.status_code == 200


def test_liveness_needs_no_token_even_when_a_bad_one_is_sent(client: APIClient) -> None:
    response = client.get("/health/", HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert response.status_code == 200


# --- Readiness ------------------------------------------------------------------------------


def test_readiness_answers_200_when_every_dependency_answers(client: APIClient, db: None) -> None:
    response = client.get("/health/ready/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database:default"]["status"] == "ok"
    assert response["Cache-Control"] == "no-store"


def test_readiness_checks_no_in_process_cache_and_no_broker_when_none_is_configured(
    client: APIClient, db: None
) -> None:
    with override_settings(CELERY_BROKER_URL=None):
        response = client.get("/health/ready/")

    assert set(response.json()["checks"]) == {"database:default"}


def test_readiness_answers_503_when_the_database_is_unreachable(
    client: APIClient, unreachable_database: None
) -> None:
    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert_problem_type(response)
    body = json.loads(response.content)
    assert body["type"] == "/problems/not-ready"
    assert body["status"] == 503
    assert body["detail"] == "Not ready: database:default did not answer."
    assert body["checks"]["database:default"]["status"] == "error"
    assert body["checks"]["database:default"]["error"] == "OperationalError"


def test_readiness_answers_within_a_few_seconds_when_the_database_is_unreachable(
    client: APIClient, unreachable_database: None
) -> None:
    response = client.get("/health/ready/")

    body = json.loads(response.content)
    assert body["checks"]["database:default"]["duration_ms"] < 5000


def test_readiness_answers_503_when_the_redis_cache_is_unreachable(
    client: APIClient, db: None, closed_port: int
) -> None:
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port}/0")):
        response = client.get("/health/ready/")

    assert response.status_code == 503
    assert_problem_type(response)
    checks = json.loads(response.content)["checks"]
    assert checks["database:default"]["status"] == "ok"
    assert checks["cache:default"] == {
        "status": "error",
        "error": "ConnectionError",
        "duration_ms": checks["cache:default"]["duration_ms"],
    }


def test_readiness_answers_200_when_the_redis_cache_answers(
    client: APIClient, db: None, redis_url: str
) -> None:
    with override_settings(CACHES=redis_cache(redis_url)):
        response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json()["checks"]["cache:default"]["status"] == "ok"


def test_readiness_answers_503_when_the_broker_is_unreachable(
    client: APIClient, db: None, closed_port: int
) -> None:
    with override_settings(CELERY_BROKER_URL=f"amqp://guest:guest@127.0.0.1:{closed_port}//"):
        response = client.get("/health/ready/")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["broker"]["status"] == "error"


def test_readiness_answers_200_when_the_broker_answers(
    client: APIClient, db: None, rabbitmq_url: str
) -> None:
    with override_settings(CELERY_BROKER_URL=rabbitmq_url):
        response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_readiness_leaks_no_connection_details(
    client: APIClient, unreachable_database: None
) -> None:
    response = client.get("/health/ready/")

    text = response.content.decode()
    assert "nonexistent-directory" not in text
    assert "127.0.0.1" not in text
