"""Through the real gateway, every error a client can see is application/problem+json.

gunicorn answers an oversized request line or header with an HTML page of its own; the nginx
gateway `manage.py topology gateway` generates has lower limits and answers those (and its other
own errors) with problem bodies, so gunicorn's pages never reach a client. A request just
under the gateway's limits reaches the shop, which answers it as usual.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from django.db import connection

from modulith.topology.gateway import MAX_HEADER_BYTES
from tests.extraction.server import bound_listener, serve_shop, service_env
from tests.support.gateway import nginx_binary, serve_gateway
from tests.support.jwt_keys import JwtKeys
from tests.support.workers import database_url

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"
PRODUCTS = "/api/catalog/products/"


@pytest.fixture
def gateway(postgres: None, jwt_keys: JwtKeys, tmp_path: Path) -> Iterator[str]:
    nginx = nginx_binary()
    bound = bound_listener()
    env = service_env(
        DATABASE_URL=database_url(connection.settings_dict),
        SHOP_URL=bound[1],
        JWT_PRIVATE_KEY_FILE=str(jwt_keys.current_private_file),
        JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
        NUM_PROXIES="1",
    )
    with serve_shop(env, bound), serve_gateway(nginx, env, tmp_path / "gateway") as base_url:
        yield base_url


def problem_of(response: requests.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM), response.text
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


def raw_request(base_url: str, request: bytes) -> tuple[int, str, bytes]:
    """Send bytes that no HTTP client library would: the status, Content-Type and body."""
    address = urlparse(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as client:
        client.sendall(request)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), body


def test_an_oversized_uri_is_a_414_problem(gateway: str) -> None:
    response = requests.get(f"{gateway}{PRODUCTS}?search={'a' * 5000}", timeout=10)

    problem_of(response, 414)


def test_an_oversized_header_is_a_431_problem(gateway: str) -> None:
    response = requests.get(f"{gateway}{PRODUCTS}", headers={"X-Big": "a" * 9000}, timeout=10)

    problem_of(response, 431)


def test_a_header_just_under_the_gateway_limit_reaches_the_shop(gateway: str) -> None:
    response = requests.get(
        f"{gateway}{PRODUCTS}", headers={"X-Big": "a" * (MAX_HEADER_BYTES - 100)}, timeout=10
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"


def test_a_uri_just_under_the_gateway_limit_is_answered_by_the_shop(gateway: str) -> None:
    # The search is longer than the 200 characters the shop allows: its own 400, not gunicorn's.
    response = requests.get(f"{gateway}{PRODUCTS}?search={'a' * 3800}", timeout=10)

    assert problem_of(response, 400)["type"] == "/problems/validation-error"


def test_an_oversized_body_is_a_413_problem(gateway: str) -> None:
    response = requests.post(
        f"{gateway}/api/shipping/quotes/",
        data=b"[" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    problem_of(response, 413)


def test_the_internal_api_is_a_404_problem(gateway: str) -> None:
    problem_of(requests.get(f"{gateway}/internal/anything", timeout=10), 404)


def test_trace_which_nginx_refuses_is_the_services_405_problem_with_allow(gateway: str) -> None:
    response = requests.request("TRACE", f"{gateway}/api/shipping/quotes/", timeout=10)

    problem_of(response, 405)
    assert "POST" in response.headers["Allow"].replace(" ", "").split(",")


def test_a_malformed_request_is_a_400_problem(gateway: str) -> None:
    status, content_type, body = raw_request(gateway, b"GARBAGE\r\n\r\n")

    assert (status, content_type) == (400, PROBLEM), body
