"""compose.yaml and the Kubernetes manifests follow the topology (no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.manifests import (
    Files,
    compose,
    kubernetes,
    processes,
    topologies,
    validate_compose,
    validate_kubernetes,
)
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
    workers = {name for name in services if name.startswith("worker-")}
    assert workers == {f"worker-{context}" for context in payments_contexts(payments)}
    assert services["worker-payments"]["command"][4:6] == ["-Q", "ctx.payments"]
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


def payments_contexts(described: dict[str, Any]) -> set[str]:
    return {context for service in described["services"] for context in service["contexts"]}


def test_each_service_database_is_migrated_by_a_job_of_its_own(payments: dict[str, Any]) -> None:
    jobs = [d for d in kubernetes(payments) if d["kind"] == "Job"]

    assert [job["metadata"]["name"] for job in jobs] == ["migrate-shop", "migrate-payments"]
    container = jobs[1]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "manage.py", "migrate", "--no-input"]
    secret_refs = {
        e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e
    }
    assert secret_refs == {"shop-payments"}  # identity's key stays with the shop service


def test_every_committed_topology_has_its_compose_and_kubernetes_files() -> None:
    for topology in topologies():
        files = Files(topology)
        assert files.compose.exists() and files.kubernetes.exists() and files.gateway.exists()
    assert Files("monolith").compose.name == "compose.yaml"


def test_the_compose_schema_refuses_an_unknown_key(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  web:\n    image: shop\n    restrat: always\n")

    problems = validate_compose([broken])

    assert len(problems) == 1 and "restrat" in problems[0]
    assert validate_compose([Files("payments").compose]) == []


def test_a_manifest_the_api_schema_refuses_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                  "spec": {"replicas": "two"}}  # fmt: skip
    broken.write_text(yaml.safe_dump(deployment))

    problems = validate_kubernetes(broken)

    assert len(problems) == 1 and "Deployment/x" in problems[0]
