"""Validation of a topology against the installed code, each problem with its fix.

Rules (`manage.py topology check` runs them all; `manage.py check` and start-up run the
structural ones for the current topology):

- every installed context is hosted by exactly one service (the loader and `place` refuse
  anything else, so a broken file is reported here as one problem);
- every api a context calls in another service is reachable: that service has a URL;
- every subscription's queue is consumed by the service hosting the subscriber, and events that
  cross services have a broker to travel on;
- every periodic job goes to a queue some service consumes;
- no relation (foreign key, many-to-many) and no table is shared between services' databases;
- this process's service has what it needs: its database URL, a broker when events cross
  services, its own key to sign calls to other services, a key or a JWK Set to verify user
  tokens with.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from django.apps import apps
from django.conf import settings
from django.core import checks

from modulith.contexts.registry import all_contexts
from modulith.events.subscriptions import all_subscriptions
from modulith.ops.schedule import periodic_jobs
from modulith.topology.model import TopologyError
from modulith.topology.placement import Placement, ServiceView, current_service, queue_of


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}\n    fix: {self.fix}"


def startup_problems(placement: Placement) -> list[Problem]:
    """The rules on models alone, checked when a process starts (before any subscription or
    task module is imported)."""
    return [*_relation_problems(placement), *_shared_table_problems(placement)]


def structural_problems(placement: Placement) -> list[Problem]:
    """The rules that need no environment and no import graph."""
    return [*_queue_problems(placement), *startup_problems(placement)]


def all_problems(
    placement: Placement,
    *,
    api_calls: Mapping[str, set[str]] | None = None,
    view: ServiceView | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Problem]:
    environ = os.environ if environ is None else environ
    problems = structural_problems(placement)
    problems += _api_problems(placement, api_calls or {}, environ)
    if view is not None:
        problems += _process_problems(view, environ)
    return problems


def _api_problems(
    placement: Placement, api_calls: Mapping[str, set[str]], environ: Mapping[str, str]
) -> Iterator[Problem]:
    for caller, callees in sorted(api_calls.items()):
        for callee in sorted(callees):
            if caller not in placement.hosts or callee not in placement.hosts:
                continue
            caller_host, callee_host = placement.host(caller), placement.host(callee)
            if caller_host == callee_host:
                continue
            try:
                url = callee_host.url(environ)
            except TopologyError as error:
                yield Problem("api", str(error), "set the variable or give it a default.")
                continue
            parsed = urlparse(url)
            if parsed.scheme not in {"http", "https"} or not parsed.netloc:
                yield Problem(
                    "api",
                    f"{caller} (service {caller_host.name!r}) calls {callee}'s api, served by "
                    f"service {callee_host.name!r}, whose url {url!r} is not an http(s) URL.",
                    f"give [services.{callee_host.name}] a url such as "
                    f'"${{{callee_host.name.upper()}_URL:-http://{callee_host.name}:8000}}".',
                )


def _queue_problems(placement: Placement) -> Iterator[Problem]:
    consumed = {queue for view in placement.views for queue in view.queues}
    for subscription in all_subscriptions():
        queue = queue_of(subscription.context_label)
        if queue not in consumed:
            yield Problem(
                "queues",
                f"subscription {subscription.name} is delivered on {queue}, which no service "
                "consumes.",
                f"host context {subscription.context_label!r} in a service of the topology.",
            )
    for job in periodic_jobs(placement):
        if job.queue is not None and job.queue not in consumed:
            yield Problem(
                "queues",
                f"periodic job {job.name!r} goes to {job.queue}, which no service consumes.",
                "host its context in a service of the topology.",
            )


def _relation_problems(placement: Placement) -> Iterator[Problem]:
    for model in apps.get_models(include_auto_created=True):
        home = placement.app_host(model._meta.app_label)
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is None or not field.concrete or isinstance(related, str):
                continue
            target = placement.app_host(related._meta.app_label)
            if home is None or target is None or home == target:
                continue
            yield Problem(
                "relations",
                f"{model._meta.label}.{field.name} (database of service {home!r}) relates to "
                f"{related._meta.label} (database of service {target!r}): a foreign key cannot "
                "cross databases.",
                f"keep {model._meta.app_label} and {related._meta.app_label} in one service, or "
                "replace the relation by an id and an api call.",
            )


def _shared_table_problems(placement: Placement) -> Iterator[Problem]:
    owners: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        table, label = model._meta.db_table, model._meta.label
        if table in owners and placement.app_host(model._meta.app_label) != placement.app_host(
            apps.get_model(owners[table])._meta.app_label
        ):
            yield Problem(
                "tables",
                f"table {table} belongs to both {owners[table]} and {label}, in different "
                "services' databases.",
                "give one of the models its own db_table.",
            )
        owners.setdefault(table, label)


def _process_problems(view: ServiceView, environ: Mapping[str, str]) -> Iterator[Problem]:
    """What this process needs from its environment to run as its service."""
    variable = view.service.database
    if variable != "DATABASE_URL" and not environ.get(variable):
        yield Problem(
            "secrets",
            f"service {view.name!r} keeps its tables in the database at {variable}, which is "
            "not set.",
            f"set {variable} to the URL of {view.name}'s own database.",
        )
    if view.remote_contexts and not getattr(settings, "CELERY_BROKER_URL", None):
        yield Problem(
            "secrets",
            f"service {view.name!r} exchanges events with "
            f"{', '.join(view.remote_services)} through their queues, and no broker is set.",
            "set CELERY_BROKER_URL (the same broker for every service).",
        )
    signs_calls = bool(
        getattr(settings, "SERVICE_PRIVATE_KEY", "")
        or getattr(settings, "SERVICE_PRIVATE_KEY_FILE", "")
        or getattr(settings, "DEBUG", False)  # development generates one (ADR 0013)
    )
    if view.remote_contexts and not signs_calls:
        yield Problem(
            "secrets",
            f"service {view.name!r} calls the apis of {', '.join(view.remote_services)} and has "
            "no key to sign those calls with.",
            "set SERVICE_PRIVATE_KEY_FILE to a private key only this service's processes hold.",
        )
    holds_identity_key = bool(
        getattr(settings, "JWT_PRIVATE_KEY", "")
        or os.path.exists(getattr(settings, "JWT_PRIVATE_KEY_FILE", "") or "")
    )
    if holds_identity_key and not view.is_home:
        yield Problem(
            "secrets",
            f"service {view.name!r} holds the private key that signs user tokens, which only "
            f"the service hosting identity ({view.placement.home!r}) may hold.",
            "unset JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE on this service: it verifies user "
            "tokens with the JWK Set of identity's service (JWT_JWKS_URL, derived).",
        )
    has_key = bool(
        holds_identity_key
        or getattr(settings, "JWT_JWKS_URL", "")
        or getattr(settings, "JWT_PREVIOUS_PUBLIC_KEY_FILES", [])
    )
    if not has_key:
        yield Problem(
            "secrets",
            f"service {view.name!r} has no key to verify tokens with.",
            "set JWT_JWKS_URL to the home service's /.well-known/jwks.json"
            if not view.is_home
            else "set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (identity signs the tokens).",
        )


def api_call_graph() -> dict[str, set[str]]:
    """Context -> the contexts whose api it imports (the real import graph)."""
    # Building the import graph needs grimp, which no running service needs: it is imported
    # only by the commands that draw or check the graph.
    from modulith.architecture.graph import api_imports, build_import_graph

    packages = {context.name: context.label for context in all_contexts()}
    roots = {name.split(".", 1)[0] for name in packages}
    calls: dict[str, set[str]] = {}
    for found in api_imports(build_import_graph(roots), packages):
        calls.setdefault(found.caller, set()).add(found.callee)
    return calls


@checks.register("modulith")
def check_current_topology(**_: object) -> list[checks.CheckMessage]:
    """manage.py check: the current topology's structural rules (modulith.topology.E001)."""
    view = current_service()
    if view is None:
        return []
    return [
        checks.Error(problem.message, hint=problem.fix, id="modulith.topology.E001")
        for problem in structural_problems(view.placement)
    ]
