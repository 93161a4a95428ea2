"""The context registry: which installed apps are bounded contexts, and how each is deployed."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps

from modulith.settings import modulith_setting
from modulith.topology.placement import current_service

INPROCESS = "inprocess"
CELERY = "celery"
TRANSPORTS = (INPROCESS, CELERY)


class ContextConfig(AppConfig):
    """The AppConfig of a bounded context (subclass it as `modulith.ContextConfig`).

    Import the module, not the class, into apps.py: Django picks the only AppConfig class an
    apps.py defines, and an imported one would make two.

    Its label is the context's name. Where it runs (database alias, event transport, queue) is
    configuration, read from settings each time, never code.
    """

    default_auto_field = "django.db.models.BigAutoField"

    @property
    def context_name(self) -> str:
        return self.label

    @property
    def database_alias(self) -> str:
        databases = modulith_setting("CONTEXT_DATABASES", {})
        assert isinstance(databases, dict)
        return str(databases.get(self.label, "default"))

    @property
    def transport(self) -> str:
        transports = modulith_setting("CONTEXT_TRANSPORTS", {})
        assert isinstance(transports, dict)
        return str(transports.get(self.label, modulith_setting("EVENT_TRANSPORT", INPROCESS)))

    @property
    def queue(self) -> str:
        return f"ctx.{self.label}"

    @property
    def remote_url(self) -> str | None:
        remotes = modulith_setting("CONTEXT_REMOTES", {})
        assert isinstance(remotes, dict)
        return remotes.get(self.label)

    def ready(self) -> None:
        # Importing events registers the event types; importing handlers registers subscriptions.
        for module in ("events", "handlers"):
            qualified = f"{self.name}.{module}"
            if find_spec(qualified) is not None:
                import_module(qualified)


def all_contexts() -> list[ContextConfig]:
    return [app for app in apps.get_app_configs() if isinstance(app, ContextConfig)]


def local_contexts() -> list[ContextConfig]:
    """The contexts this process's service hosts (every one without a topology)."""
    view = current_service()
    if view is None:
        return all_contexts()
    hosted = set(view.local_contexts)
    return [context for context in all_contexts() if context.label in hosted]


class UnknownContextError(LookupError):
    pass


def get_context(name: str) -> ContextConfig:
    # Looked up for every event sent and delivered: the app registry's own index, not a scan.
    context = apps.app_configs.get(name)
    if isinstance(context, ContextConfig):
        return context
    raise UnknownContextError(f"No installed context is named {name!r}.")


def context_of_module(module: str) -> ContextConfig:
    """The context that a module (handlers, events…) belongs to."""
    app = apps.get_containing_app_config(module)
    if not isinstance(app, ContextConfig):
        raise UnknownContextError(
            f"{module} is not inside a context: its app must use modulith.ContextConfig."
        )
    return app


def database_aliases() -> list[str]:
    """Every database alias that holds an outbox or an inbox: "default" and each context's."""
    return sorted({"default", *(context.database_alias for context in all_contexts())})
