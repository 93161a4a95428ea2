"""The calling side when the remote is down, hung or broken: RemoteApiUnavailable, a breaker that
opens and fails fast (shared through Redis), and no HTTP call inside a transaction."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pybreaker
import pytest
import redis
from django.db import transaction
from rest_framework.test import APIClient

from contexts.catalog import api as catalog_api
from contexts.shipping import api as shipping_api
from modulith.remote import RemoteApiUnavailable, RemoteCallInTransaction
from modulith.remote.breakers import SharedBreaker, shared_breaker
from tests.extraction.conftest import Remotes
from tests.extraction.listeners import Listener, unused_url
from tests.orders.factories import order_payload
from tests.support.auth import BearerFactory
from tests.support.problems import assert_problem_type

FAIL_MAX = 3


@pytest.fixture(autouse=True)
def _breakers_in_memory(modulith_settings: Callable[..., None]) -> None:
    modulith_settings(
        REMOTE_BREAKER_REDIS_URL="", REMOTE_BREAKER_FAIL_MAX=FAIL_MAX, REMOTE_READ_TIMEOUT=0.3
    )


def get_products() -> object:
    return catalog_api.get_products(skus=["TEA-1"])


class _Answers500(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Internal Server Error")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def broken_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_remote_where_nothing_listens_raises_remote_api_unavailable(remotes: Remotes) -> None:
    remotes(catalog=unused_url())

    with pytest.raises(RemoteApiUnavailable) as raised:
        get_products()

    assert "ConnectError" in raised.value.reason
    assert raised.value.status_code == 503
    assert str(raised.value).startswith("catalog.get_products is unavailable")


def test_a_remote_that_never_answers_is_given_up_after_the_read_timeout(remotes: Remotes) -> None:
    with Listener(hang_up=False) as hung:
        remotes(catalog=hung.url)

        with pytest.raises(RemoteApiUnavailable) as raised:
            get_products()

    assert "ReadTimeout" in raised.value.reason


def test_a_remote_answering_an_error_status_raises_remote_api_unavailable(
    remotes: Remotes, broken_service: str
) -> None:
    remotes(catalog=broken_service)

    with pytest.raises(RemoteApiUnavailable) as raised:
        get_products()

    assert "answered 500" in raised.value.reason


def test_after_fail_max_failures_the_breaker_fails_fast_without_a_network_attempt(
    remotes: Remotes,
) -> None:
    with Listener(hang_up=True) as crashing:
        remotes(catalog=crashing.url)
        for _ in range(FAIL_MAX):
            with pytest.raises(RemoteApiUnavailable):
                get_products()
        attempts_until_open = crashing.accepted

        for _ in range(5):
            with pytest.raises(RemoteApiUnavailable) as raised:
                get_products()

    assert attempts_until_open == FAIL_MAX
    assert crashing.accepted == FAIL_MAX
    assert "circuit breaker is open" in raised.value.reason
    assert raised.value.wait is not None and raised.value.wait > 0  # becomes Retry-After


def test_each_remote_context_has_a_breaker_of_its_own(remotes: Remotes) -> None:
    with Listener(hang_up=True) as crashing:
        remotes(catalog=crashing.url, shipping=crashing.url)
        for _ in range(FAIL_MAX):
            with pytest.raises(RemoteApiUnavailable):
                get_products()
        attempts_before = crashing.accepted

        with pytest.raises(RemoteApiUnavailable):
            shipping_api.quote(lines=[], country="DE", currency="EUR")

    assert crashing.accepted == attempts_before + 1


def test_a_remote_call_inside_a_transaction_is_refused_before_any_network_attempt(
    remotes: Remotes, transactional_db: None
) -> None:
    with Listener(hang_up=True) as catalog_service:
        remotes(catalog=catalog_service.url)

        with pytest.raises(RemoteCallInTransaction, match=r"Rule 6"), transaction.atomic():
            get_products()

    assert catalog_service.accepted == 0


def test_an_order_placed_while_catalog_is_down_answers_a_503_problem(
    remotes: Remotes, bearer: BearerFactory, transactional_db: None
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(uuid.uuid4()))
    remotes(catalog=unused_url())

    response = client.post(
        "/api/orders/",
        order_payload(lines=[{"sku": "TEA-1", "quantity": 1}]),
        format="json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    assert response.status_code == 503
    assert_problem_type(response)
    problem = response.json()
    assert problem["type"] == "/problems/remote-api-unavailable"
    assert "127.0.0.1" not in problem["detail"]  # no internal address leaks to clients


@pytest.fixture
def redis_breaker(breaker_redis_url: str) -> Iterator[Callable[[int], SharedBreaker]]:
    """redis_breaker(fail_max): a breaker on the drills' Redis; every one a test builds shares
    one state (one namespace per test, deleted afterwards), as the processes of a shop do."""
    namespace = f"test:remote-api:{uuid.uuid4().hex}"

    def build(fail_max: int) -> SharedBreaker:
        return shared_breaker(
            name="catalog",
            fail_max=fail_max,
            reset_seconds=30,
            redis_url=breaker_redis_url,
            namespace=namespace,
        )

    yield build
    connection = redis.Redis.from_url(breaker_redis_url)
    keys = list(connection.scan_iter(f"{namespace}:*"))
    if keys:
        connection.delete(*keys)


def test_breakers_built_on_the_same_redis_share_one_state(
    redis_breaker: Callable[[int], SharedBreaker],
) -> None:
    in_one_process, in_another = redis_breaker(2), redis_breaker(2)

    in_one_process.record_failure()
    opened = in_one_process.record_failure()

    assert opened
    assert in_another.is_open()
    assert in_another.breaker.current_state == pybreaker.STATE_OPEN


def test_closing_a_shared_breaker_closes_it_for_every_process(
    redis_breaker: Callable[[int], SharedBreaker],
) -> None:
    in_one_process, in_another = redis_breaker(1), redis_breaker(1)
    in_one_process.record_failure()

    in_another.close()

    assert not in_one_process.is_open()
