"""A service verifies its peers' calls without waiting on them, over real HTTP.

The deadlock this guards against: service A's request threads wait on a call to B, while B,
to verify that call, fetches A's key set from A, which has no thread left to answer. Here B is
a real gunicorn process of service "catalog"; A is "orders", whose key set is published by a
small HTTP server in this test process that can be frozen, as an orders whose threads are all
busy would be. Catalog fetches the set when it starts, so once orders freezes, orders' calls
still verify; and a catalog started while orders is down fetches it in the background as soon
as orders answers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.db import connections

from modulith.http.keys import (
    KEY_SET_RETRY_SECONDS,
    KeySetUnreachable,
    forget_published_keys,
    public_jwk,
    published_key,
)
from tests.extraction.server import bound_listener, serve_shop, service_env
from tests.support.jwt_keys import (
    JwtKeys,
    generate_key,
    kid_of,
    private_pem,
    service_claims,
    signed,
)
from tests.support.waiting import wait_until
from tests.support.workers import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GET_PRODUCTS = "/internal/api/catalog/get_products/"
KEY_SET_PATH = "/.well-known/service-jwks.json"


class Publisher:
    """Orders' key set on a real socket (`port` 0: any free one). `frozen`: requests are held
    unanswered, as by a service whose every thread waits on someone else. `requested` counts
    the requests, `answered` those answered."""

    def __init__(self, key: RSAPrivateKey, *, port: int = 0) -> None:
        self.requested = self.answered = 0
        self.frozen = threading.Event()
        self._thawed = threading.Event()
        body = json.dumps({"keys": [public_jwk(key.public_key())]}).encode()
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                publisher.requested += 1
                if publisher.frozen.is_set():
                    publisher._thawed.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                publisher.answered += 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Publisher:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thawed.set()
        self._server.shutdown()
        self._server.server_close()


def catalog_env(tmp_path: Path, jwt_keys: JwtKeys, key_set_url: str) -> dict[str, str]:
    catalog_key = tmp_path / "catalog-private.pem"
    catalog_key.write_bytes(private_pem(generate_key()))
    return service_env(
        SHOP_TOPOLOGY="services",
        SHOP_SERVICE="catalog",
        CATALOG_DATABASE_URL=database_url(connections["default"].settings_dict),
        SERVICE_PRIVATE_KEY_FILE=str(catalog_key),
        SERVICE_KEY_SET_URLS=f"orders={key_set_url}",
        JWT_PRIVATE_KEY_FILE=str(tmp_path / "no-such-key.pem"),
        JWT_PREVIOUS_PUBLIC_KEY_FILES=str(jwt_keys.previous_public_file),
    )


def call_catalog_as_orders(catalog_url: str, orders_key: RSAPrivateKey) -> httpx.Response:
    token = signed(service_claims("orders", "catalog"), orders_key)
    return httpx.post(
        f"{catalog_url}{GET_PRODUCTS}",
        json={"skus": ["NO-SUCH-SKU"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


@pytest.fixture
def orders_key() -> RSAPrivateKey:
    return generate_key()


@pytest.fixture
def publisher(orders_key: RSAPrivateKey) -> Iterator[Publisher]:
    with Publisher(orders_key) as running:
        yield running


def test_orders_calls_verify_while_orders_cannot_answer(
    publisher: Publisher, orders_key: RSAPrivateKey, jwt_keys: JwtKeys, tmp_path: Path
) -> None:
    env = catalog_env(tmp_path, jwt_keys, f"{publisher.url}{KEY_SET_PATH}")
    with serve_shop(env, threads=1) as catalog_url:
        # Fetched while starting, before the first call from orders.
        wait_until(
            lambda: publisher.answered >= 1, timeout=30, what="catalog to fetch orders' keys"
        )
        publisher.frozen.set()
        requested = publisher.requested

        answer = call_catalog_as_orders(catalog_url, orders_key)

        assert answer.status_code == 200, answer.text
        assert answer.json() == {}
        assert publisher.requested == requested  # verifying the call never asked orders


def test_a_service_started_before_its_peer_fetches_the_peer_keys_in_the_background(
    orders_key: RSAPrivateKey, jwt_keys: JwtKeys, tmp_path: Path
) -> None:
    # Orders' address is known, but nothing answers there yet.
    listener, orders_url = bound_listener()
    listener.close()
    env = catalog_env(tmp_path, jwt_keys, f"{orders_url}{KEY_SET_PATH}")
    with serve_shop(env, threads=1) as catalog_url:
        port = int(orders_url.rsplit(":", 1)[1])
        with Publisher(orders_key, port=port) as publisher:
            wait_until(
                lambda: publisher.answered >= 1,
                timeout=KEY_SET_RETRY_SECONDS * 10,
                what="catalog to fetch orders' keys once orders answers",
            )
            publisher.frozen.set()

            answer = call_catalog_as_orders(catalog_url, orders_key)

            assert answer.status_code == 200, answer.text


def test_a_set_never_fetched_is_fetched_by_the_next_request_at_once(
    orders_key: RSAPrivateKey,
) -> None:
    # The publisher was down a moment ago (within the cooldown): its set was never fetched, so
    # the cooldown that holds back refetches of a held set must not hold back this one.
    listener, orders_url = bound_listener()
    listener.close()
    url = f"{orders_url}{KEY_SET_PATH}"
    forget_published_keys()
    try:
        with pytest.raises(KeySetUnreachable):
            published_key(url, kid_of(orders_key))
        with Publisher(orders_key, port=int(orders_url.rsplit(":", 1)[1])):
            assert published_key(url, kid_of(orders_key)) is not None
    finally:
        forget_published_keys()
