"""compose.yaml and the Kubernetes manifests follow the topology (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from deploy.manifests import compose, kubernetes, processes, validate_compose
from deploy.up import describe


@pytest.fixture(scope="module")
def payments() -> dict[str, Any]:
    return describe("payments")


def test_compose_runs_every_process_of_every_service_and_one_beat(payments: dict[str, Any]) -> None:
    services = compose(payments)["services"]

    for service in payments["services"]:
        for process in processes(service):
            assert process in services
        assert services[f"web-{service['name']}"]["healthcheck"]
    assert [name for name in services if "beat" in name] == ["beat"]
    assert {"postgres", "redis", "rabbitmq", "mailpit", "gateway", "flower"} <= set(services)
    assert services["web-payments"]["environment"]["PAYMENTS_DATABASE_URL"].endswith(
        "/shop_payments"
    )
    assert "JWT_PRIVATE_KEY_FILE" not in services["web-payments"]["environment"]


def test_the_ingress_routes_each_context_to_its_service(payments: dict[str, Any]) -> None:
    documents = kubernetes(payments)
    ingress = next(d for d in documents if d["kind"] == "Ingress")
    routes = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }

    assert routes["/api/payments/"] == "web-payments"
    assert routes["/api/orders/"] == "web-shop"
    assert routes["/"] == "web-shop"
    beat = next(d for d in documents if d["metadata"]["name"] == "beat")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}


def test_an_unknown_compose_key_is_refused() -> None:
    text = "services:\n  web:\n    image: shop\n    restrat: always\n"

    assert validate_compose(text) == ["compose.yaml: service 'web' has unknown key 'restrat'"]
