"""Fixtures shared by every test. Per-context fixtures live in tests/<context>/conftest.py."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import DjangoAssertNumQueries, Settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from modulith.http.authentication import Role, TokenPrincipal
from tests.support import clients, pages, read_caches, seeds, services
from tests.support.auth import BearerFactory, bearer_factory
from tests.support.jwt_keys import JwtKeys, generate_key, private_pem, write_keys

# The event kernel's test kit: captured_events, drain_events, event_transports, scenario.
pytest_plugins = ["modulith.testing.fixtures"]


@pytest.fixture
def redis_url() -> str:
    return services.require(services.REDIS_URL, 6379, "Redis")


@pytest.fixture
def shared_read_caches(redis_url: str) -> Iterator[None]:
    """The contexts' read caches (VersionedCache) in Redis, as deployed (tests/support)."""
    with read_caches.read_caches_in(redis_url):
        yield


@pytest.fixture
def rabbitmq_url() -> str:
    return services.require(services.RABBITMQ_URL, 5672, "RabbitMQ")


@pytest.fixture
def postgres(db: None) -> None:
    """Marks a test that only makes sense on PostgreSQL (row locks, SKIP LOCKED, concurrency)."""
    services.require_postgres()


@pytest.fixture(scope="session")
def jwt_keys(tmp_path_factory: pytest.TempPathFactory) -> JwtKeys:
    directory: Path = tmp_path_factory.mktemp("jwt-keys")
    return write_keys(directory)


@pytest.fixture(autouse=True)
def _jwt_key_settings(settings: Settings, jwt_keys: JwtKeys) -> None:
    # Tests never read or write var/keys: each session signs with keys of its own.
    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_FILE = str(jwt_keys.current_private_file)
    settings.JWT_PREVIOUS_PUBLIC_KEY_FILES = [str(jwt_keys.previous_public_file)]
    settings.JWT_JWKS_URL = ""


@pytest.fixture(scope="session")
def service_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The private key the test process's service (SHOP_SERVICE) signs service tokens with."""
    path: Path = tmp_path_factory.mktemp("service-keys") / "service-private.pem"
    path.write_bytes(private_pem(generate_key()))
    return path


@pytest.fixture(autouse=True)
def _service_key_settings(settings: Settings, service_key_file: Path) -> None:
    # Nor do they generate service keys under var/keys.
    settings.SERVICE_PRIVATE_KEY = ""
    settings.SERVICE_PRIVATE_KEY_FILE = str(service_key_file)
    settings.SERVICE_PUBLIC_KEY_FILES = []


@pytest.fixture(autouse=True)
def _unthrottled_orders_and_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every test quotes from 127.0.0.1 and the throttle counts survive between tests; the tests
    # of the throttles themselves set a rate again (tests/edge/test_throttling.py).
    for scope in ("order", "quote", "admin_login"):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, None)


@pytest.fixture(autouse=True)
def _closed_payment_breaker() -> Iterator[None]:
    # The breaker is shared state (Redis when configured): no test may inherit an open one.
    from contexts.payments.providers.breaker import reset_breaker

    reset_breaker()
    yield
    reset_breaker()


@pytest.fixture(autouse=True)
def _seeded_rows_survive_flushes(request: pytest.FixtureRequest) -> None:
    """Reload data-migration rows that an earlier transactional test's flush removed."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    seeds.ensure_default_shipping_rates()


@pytest.fixture
def bearer(jwt_keys: JwtKeys) -> BearerFactory:
    """bearer(user_id, roles=("customer",)) -> "Bearer <RS256 access token>"."""
    return bearer_factory(jwt_keys)


# --- API clients for the contexts' REST tests (principals built from nothing) -----------------


@pytest.fixture
def make_principal() -> clients.MakePrincipal:
    """make_principal(*roles, id=None): a customer unless roles are given."""
    return clients.make_principal


@pytest.fixture
def customer() -> TokenPrincipal:
    return clients.make_principal(Role.CUSTOMER)


@pytest.fixture
def staff() -> TokenPrincipal:
    return clients.make_principal(Role.STAFF)


@pytest.fixture
def client_for() -> clients.ClientFor:
    """client_for(principal): an API client authenticated as that principal."""
    return clients.client_for


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_client() -> APIClient:
    return clients.client_with_roles(Role.STAFF)


@pytest.fixture
def customer_client() -> APIClient:
    return clients.client_with_roles(Role.CUSTOMER)


@pytest.fixture
def pages_cost_the_same(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> pages.PagesCostTheSame:
    """pages_cost_the_same(client, url, rows=N): a page of one row and a page of all N rows take
    the same queries (tests/support/pages.py)."""
    return functools.partial(
        pages.assert_any_page_costs_the_same, assert_num_queries=django_assert_num_queries
    )
