"""What each service of a placement runs, as plain data: for `manage.py topology` (text, table,
Mermaid and JSON) and for the tools that deploy or test a topology."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modulith.ops.schedule import periodic_jobs
from modulith.topology.placement import Placement, ServiceView


def service_routes(view: ServiceView) -> list[str]:
    """The path prefixes this service serves (everything else answers 404 or 421)."""
    routes = ["/health/", "/metrics", "/.well-known/", "/api/schema/", "/api/docs/", "/api/redoc/"]
    routes += [f"/api/{context}/" for context in view.local_contexts]
    routes += [f"/internal/api/{context}/" for context in view.local_contexts]
    if view.is_home:
        routes.append("/admin/")
    return routes


def service_jobs(view: ServiceView) -> list[dict[str, Any]]:
    """The periodic jobs whose work runs in this service (beat sends them to its queues)."""
    queues = set(view.queues)
    return [
        {"name": job.name, "task": job.task, "every_seconds": job.every_seconds, "queue": job.queue}
        for job in periodic_jobs(view.placement)
        if job.queue in queues
    ]


def describe_service(
    view: ServiceView, *, environ: Mapping[str, str] | None = None, jobs: bool = True
) -> dict[str, Any]:
    return {
        "name": view.name,
        "contexts": list(view.local_contexts),
        "url": view.service.url(environ),
        "database": view.service.database,
        "queues": list(view.queues),
        "home": view.is_home,
        "beat": view.runs_beat,
        "periodic_jobs": service_jobs(view) if jobs else [],
        "routes": service_routes(view),
        "remote_contexts": view.remote_urls(environ),
    }


def describe_placement(
    placement: Placement, *, environ: Mapping[str, str] | None = None, jobs: bool = True
) -> dict[str, Any]:
    topology = placement.topology
    return {
        "topology": topology.name,
        "description": topology.description,
        "source": str(topology.source),
        "home": placement.home,
        "beat": placement.beat,
        "services": [
            describe_service(view, environ=environ, jobs=jobs) for view in placement.views
        ],
    }


def markdown_table(described: Mapping[str, Any]) -> str:
    lines = [
        "| Service | Contexts | URL | Database | Queues | Also |",
        "|---|---|---|---|---|---|",
    ]
    for service in described["services"]:
        also = [label for flag, label in (("home", "admin"), ("beat", "beat")) if service[flag]]
        lines.append(
            f"| {service['name']} | {', '.join(service['contexts'])} | {service['url']} "
            f"| `{service['database']}` | {', '.join(service['queues'])} "
            f"| {', '.join(also) or '-'} |"
        )
    return "\n".join(lines)


def mermaid(described: Mapping[str, Any], calls: Mapping[str, set[str]] | None = None) -> str:
    """A flowchart: one box per service with its contexts; an arrow where a service calls
    another's api over HTTP (`calls`: context -> contexts whose api it calls)."""
    lines = ["flowchart LR", '    gateway(["gateway"])']
    host = {c: s["name"] for s in described["services"] for c in s["contexts"]}
    for service in described["services"]:
        name = service["name"]
        lines.append(f'    subgraph svc_{_node(name)}["{name}"]')
        for context in service["contexts"]:
            lines.append(f"        {_node(context)}[{context}]")
        lines.append("    end")
        lines.append(f"    gateway --> svc_{_node(name)}")
    edges = sorted(
        {
            (host[caller], host[callee])
            for caller, callees in (calls or {}).items()
            for callee in callees
            if caller in host and callee in host and host[caller] != host[callee]
        }
    )
    for caller, callee in edges:
        lines.append(f"    svc_{_node(caller)} -. api .-> svc_{_node(callee)}")
    return "\n".join(lines)


def _node(name: str) -> str:
    return name.replace("-", "_")
