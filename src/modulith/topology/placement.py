"""Where each context runs, derived from a topology and the installed contexts.

A `Placement` answers for the whole deployment (which service hosts what); a `ServiceView` answers
for one process (what is local, what is reached over HTTP, which queues it consumes, which apps'
tables its database holds). Both are plain data built before Django starts, so the settings can
derive DATABASES, the remote api URLs, the transports and Celery's queues from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

from modulith.topology.model import Service, Topology, TopologyError

# The queue a context's subscriptions and periodic jobs go to (ContextConfig.queue).
QUEUE_PREFIX = "ctx."
# The kernel's own tables (outbox, inbox) live in every service's database.
EVERYWHERE_APPS = frozenset({"modulith"})
BEAT_APP = "django_celery_beat"


def queue_of(context: str) -> str:
    return f"{QUEUE_PREFIX}{context}"


@dataclass(frozen=True)
class Placement:
    """The whole deployment: which service hosts each context, the home and the beat service.

    The home service hosts `home_context` (identity): the tables of every app that is not a
    context (auth, contenttypes, admin, sessions, the token blacklist: they reference the user
    table) live in its database, it serves the admin, and the gateway sends it every path that
    belongs to no context. Beat's schedule lives with the beat service.
    """

    topology: Topology
    hosts: Mapping[str, str]  # context label -> service name, in installation order
    home: str
    beat: str

    def host(self, context: str) -> Service:
        try:
            return self.topology.service(self.hosts[context])
        except KeyError:
            raise TopologyError(f"No installed context is named {context!r}.") from None

    def contexts_of(self, service: str) -> tuple[str, ...]:
        return tuple(context for context, host in self.hosts.items() if host == service)

    def app_host(self, app_label: str) -> str | None:
        """The service whose database holds `app_label`'s tables; None: every service's."""
        if app_label in EVERYWHERE_APPS:
            return None
        if app_label in self.hosts:
            return self.hosts[app_label]
        if app_label == BEAT_APP:
            return self.beat
        return self.home

    def view(self, service: str) -> ServiceView:
        return ServiceView(placement=self, service=self.topology.service(service))

    @property
    def views(self) -> tuple[ServiceView, ...]:
        return tuple(self.view(name) for name in self.topology.service_names)


@dataclass(frozen=True)
class ServiceView:
    """One service of a placement, as the processes started with SHOP_SERVICE=<it> see it."""

    placement: Placement
    service: Service

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def local_contexts(self) -> tuple[str, ...]:
        return self.placement.contexts_of(self.service.name)

    @property
    def remote_contexts(self) -> dict[str, str]:
        """Context -> the service hosting it, for every context this service does not host."""
        return {c: s for c, s in self.placement.hosts.items() if s != self.service.name}

    def remote_urls(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """Context -> base URL of its hosting service, for the remote api calls."""
        services = {name: self.placement.topology.service(name) for name in self.remote_services}
        return {c: services[s].url(environ) for c, s in self.remote_contexts.items()}

    def service_urls(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """Every service's internal base URL (where it serves its api and publishes its keys)."""
        return {
            service.name: service.url(environ)
            for service in self.placement.topology.services
            if service.url_template
        }

    @property
    def remote_services(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.remote_contexts.values()))

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues this service's workers consume: its hosted contexts' queues."""
        return tuple(queue_of(context) for context in self.local_contexts)

    @property
    def home_queue(self) -> str:
        """Where this service's own periodic jobs (relay, purge) go: its first context's queue."""
        return self.queues[0]

    @property
    def is_home(self) -> bool:
        return self.placement.home == self.service.name

    @property
    def runs_beat(self) -> bool:
        return self.placement.beat == self.service.name

    def holds_app(self, app_label: str) -> bool:
        host = self.placement.app_host(app_label)
        return host is None or host == self.service.name


def place(
    topology: Topology,
    installed: Sequence[str],
    *,
    home_context: str = "",
) -> Placement:
    """Assign every installed context to exactly one service, or say what to fix."""
    where = f"Topology {topology.name!r} ({topology.source})"
    hosts: dict[str, str] = {}
    for service in topology.services:
        for context in service.named_contexts:
            if context not in installed:
                raise TopologyError(
                    f"{where}: service {service.name!r} hosts {context!r}, which is not an "
                    f"installed context (installed: {', '.join(installed)}). Fix the name or add "
                    "the context to CONTEXT_APPS."
                )
            hosts[context] = service.name
    wildcard = next((s for s in topology.services if s.takes_every_other_context), None)
    missing = [context for context in installed if context not in hosts]
    if missing and wildcard is None:
        raise TopologyError(
            f"{where}: no service hosts {', '.join(missing)}. Add them to a service's "
            '`contexts`, or give one service "*" (every context the others do not name).'
        )
    for context in missing:
        assert wildcard is not None
        hosts[context] = wildcard.name
    ordered = {context: hosts[context] for context in installed}
    empty = [s.name for s in topology.services if s.name not in ordered.values()]
    if empty:
        raise TopologyError(
            f"{where}: service(s) {', '.join(empty)} host no context; give each service at "
            "least one (its workers consume its contexts' queues, and nothing else)."
        )
    if home_context and home_context in ordered:
        home = ordered[home_context]
    else:
        home = wildcard.name if wildcard is not None else topology.services[0].name
    beat_service = topology.beat_service
    return Placement(
        topology=topology,
        hosts=ordered,
        home=home,
        beat=beat_service.name if beat_service is not None else home,
    )


def current_service() -> ServiceView | None:
    """This process's view of the topology (settings.TOPOLOGY_SERVICE); None: no topology."""
    view = getattr(settings, "TOPOLOGY_SERVICE", None)
    return view if isinstance(view, ServiceView) else None
