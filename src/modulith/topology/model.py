"""A topology: the deployable services, the contexts each hosts and where each is reached.

Read from a TOML file (config/topologies/<name>.toml) with nothing but the standard library, so
the settings can load it before Django starts. Everything a process needs to know about where
contexts run is derived from it (modulith.topology.placement).

    [services.shop]
    contexts = ["*"]                         # every installed context no other service names
    url = "${SHOP_URL:-http://127.0.0.1:8000}"
    database = "DATABASE_URL"                # the env var holding this service's database URL
    beat = true                              # the service whose database holds beat's schedule

    [services.payments]
    contexts = ["payments"]
    url = "${PAYMENTS_URL:-http://127.0.0.1:8105}"
    database = "PAYMENTS_DATABASE_URL"
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# In a service's `contexts`: every installed context that no other service names.
EVERY_OTHER_CONTEXT = "*"

_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
# ${VAR} or ${VAR:-default}, as in a POSIX shell.
_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")
_SERVICE_KEYS = {"contexts", "url", "database", "beat"}
_TOP_KEYS = {"description", "services"}


class TopologyError(ImproperlyConfigured):
    """A topology that cannot run: the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class Service:
    name: str
    contexts: tuple[str, ...]  # as written: context labels, and "*" for every other one
    url_template: str  # "${SHOP_URL:-http://127.0.0.1:8000}"; "" when the topology has one service
    database: str  # the name of the environment variable holding its database URL
    beat: bool

    @property
    def takes_every_other_context(self) -> bool:
        return EVERY_OTHER_CONTEXT in self.contexts

    @property
    def named_contexts(self) -> tuple[str, ...]:
        return tuple(c for c in self.contexts if c != EVERY_OTHER_CONTEXT)

    def url(self, environ: Mapping[str, str] | None = None) -> str:
        """The internal base URL, with ${VAR:-default} references resolved from `environ`."""
        return expand(self.url_template, os.environ if environ is None else environ).rstrip("/")


@dataclass(frozen=True)
class Topology:
    name: str
    description: str
    services: tuple[Service, ...]
    source: Path

    @property
    def service_names(self) -> tuple[str, ...]:
        return tuple(service.name for service in self.services)

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise TopologyError(
            f"Topology {self.name!r} ({self.source}) has no service {name!r}. "
            f"Set SHOP_SERVICE to one of: {', '.join(self.service_names)}."
        )

    def service_for_process(self, requested: str) -> Service:
        """The service a process runs as: SHOP_SERVICE, or the only one when there is one."""
        if requested:
            return self.service(requested)
        if len(self.services) == 1:
            return self.services[0]
        raise TopologyError(
            f"Topology {self.name!r} has {len(self.services)} services: set SHOP_SERVICE to the "
            f"one this process runs as ({', '.join(self.service_names)})."
        )

    @property
    def beat_service(self) -> Service | None:
        """The service flagged `beat = true`; None leaves the choice to the placement."""
        return next((service for service in self.services if service.beat), None)


def expand(template: str, environ: Mapping[str, str]) -> str:
    """Resolve ${VAR} and ${VAR:-default}; a ${VAR} without default must be set."""

    def resolve(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        value = environ.get(name) or default
        if value is None:
            raise TopologyError(f"{template!r} needs the environment variable {name} to be set.")
        return value

    return _REFERENCE.sub(resolve, template)


def available_topologies(directory: Path) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.toml"))


def load_topology(name: str, directory: Path) -> Topology:
    """Read and validate config/topologies/<name>.toml (the file alone, no installed apps)."""
    source = directory / f"{name}.toml"
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", name) or not source.is_file():
        raise TopologyError(
            f"No topology {name!r}: SHOP_TOPOLOGY must name a file in {directory} "
            f"(one of: {', '.join(available_topologies(directory)) or 'none'})."
        )
    try:
        document = tomllib.loads(source.read_text())
    except tomllib.TOMLDecodeError as error:
        raise TopologyError(f"{source} is not valid TOML: {error}.") from error
    return parse_topology(name, document, source)


def parse_topology(name: str, document: Mapping[str, Any], source: Path) -> Topology:
    where = f"topology {name!r} ({source})"
    _no_unknown_keys(document, _TOP_KEYS, where)
    tables = document.get("services")
    if not isinstance(tables, dict) or not tables:
        raise TopologyError(f"{where} declares no service: add a [services.<name>] table.")
    single = len(tables) == 1
    services = tuple(
        _parse_service(service_name, table, f"{where}, service {service_name!r}", single=single)
        for service_name, table in tables.items()
    )
    topology = Topology(
        name=name,
        description=str(document.get("description", "")),
        services=services,
        source=source,
    )
    _check_across_services(topology, where)
    return topology


def _parse_service(name: str, table: Any, where: str, *, single: bool) -> Service:
    if not _SERVICE_NAME.match(name):
        raise TopologyError(f"{where}: a service name is lower case letters, digits, - and _.")
    if not isinstance(table, dict):
        raise TopologyError(f"{where} must be a table ([services.{name}]).")
    _no_unknown_keys(table, _SERVICE_KEYS, where)
    contexts = table.get("contexts")
    if (
        not isinstance(contexts, list)
        or not contexts
        or not all(isinstance(c, str) and c for c in contexts)
    ):
        raise TopologyError(
            f'{where}: `contexts` must be a non-empty list of context labels (or "*" for every '
            "context no other service names)."
        )
    if len(set(contexts)) != len(contexts):
        raise TopologyError(f"{where} lists a context twice in `contexts`.")
    database = table.get("database")
    if not isinstance(database, str) or not _ENV_NAME.match(database):
        raise TopologyError(
            f"{where}: `database` must name the environment variable that holds the service's "
            'database URL, e.g. database = "DATABASE_URL".'
        )
    url = table.get("url", "")
    if not isinstance(url, str) or (not url and not single):
        raise TopologyError(
            f"{where}: `url` must be the service's internal base URL, e.g. "
            f'url = "${{{name.upper().replace("-", "_")}_URL:-http://127.0.0.1:8000}}".'
        )
    beat = table.get("beat", False)
    if not isinstance(beat, bool):
        raise TopologyError(f"{where}: `beat` is true or false.")
    return Service(
        name=name, contexts=tuple(contexts), url_template=url, database=database, beat=beat
    )


def _check_across_services(topology: Topology, where: str) -> None:
    seen: dict[str, str] = {}
    for service in topology.services:
        for context in service.named_contexts:
            if context in seen:
                raise TopologyError(
                    f"{where}: context {context!r} is hosted by both {seen[context]!r} and "
                    f"{service.name!r}: keep it in exactly one service."
                )
            seen[context] = service.name
    wildcards = [s.name for s in topology.services if s.takes_every_other_context]
    if len(wildcards) > 1:
        raise TopologyError(
            f'{where}: services {", ".join(wildcards)} all take "*": only one service may host '
            "every context the others do not name."
        )
    databases: dict[str, str] = {}
    for service in topology.services:
        if service.database in databases:
            raise TopologyError(
                f"{where}: services {databases[service.database]!r} and {service.name!r} share "
                f"the database variable {service.database}: give each service its own database."
            )
        databases[service.database] = service.name
    beats = [s.name for s in topology.services if s.beat]
    if len(beats) > 1:
        raise TopologyError(
            f"{where}: `beat = true` on {', '.join(beats)}: exactly one service holds the beat."
        )


def _no_unknown_keys(table: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise TopologyError(
            f"{where}: unknown key(s) {', '.join(unknown)}; expected: {', '.join(sorted(known))}."
        )
