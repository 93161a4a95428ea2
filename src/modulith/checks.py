"""Django system checks (modulith.E0xx) for what import analysis cannot see.

E001 an event field whose type is not JSON-representable
E002 a subscription to an event that no installed context publishes
E003 a handler whose event parameter is not annotated with its subscription's event class
E004 a context without api.py or events.py
E005 a context's models routed to another database than the context's
E006 a ForeignKey, OneToOneField or ManyToManyField across contexts (string references too)
E007 an unknown event transport in EVENT_TRANSPORT / CONTEXT_TRANSPORTS
E008 a CONTEXT_DATABASES alias that is not in DATABASES
E009 INBOX_RETENTION not longer than the longest redelivery window
"""

from __future__ import annotations

import inspect
import typing
from datetime import timedelta
from importlib.util import find_spec
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import router

from modulith.contexts.registry import TRANSPORTS, ContextConfig, all_contexts, local_contexts
from modulith.events.declaration import all_event_specs, unsupported_field_types
from modulith.events.retry_policy import longest_retry_window
from modulith.events.subscriptions import Subscription, all_subscriptions
from modulith.rules import cite
from modulith.settings import kernel_settings, modulith_setting

# The architecture rule (docs/rules.md) each check enforces; None for checks of configuration.
# docs/enforcement.md is generated from this table (manage.py enforcement).
CHECK_RULES: dict[str, int | None] = {
    "modulith.E001": 11,
    "modulith.E002": 11,
    "modulith.E003": 11,
    "modulith.E004": 1,
    "modulith.E005": 3,
    "modulith.E006": 2,
    "modulith.E007": None,
    "modulith.E008": 3,
    "modulith.E009": None,
}

_FIX_EVENT_TYPES = (
    f"{cite(11)}: use str, int, bool, Decimal, UUID, datetime, date, enums with str/int values, "
    "tuples, or nested frozen dataclasses of these (no float, bytes, list, set, dict, object or "
    "Any)."
)


@register(Tags.models)
def check_event_field_types(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f"{spec.cls.__qualname__} ({spec.type}) has fields that are not JSON-representable: "
            f"{'; '.join(problems)}.",
            hint=_FIX_EVENT_TYPES,
            obj=spec.cls,
            id="modulith.E001",
        )
        for spec in all_event_specs()
        if (problems := spec.problems or tuple(unsupported_field_types(spec.cls)))
    ]


@register(Tags.models)
def check_subscriptions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    publishers = {context.label for context in all_contexts()}
    errors: list[CheckMessage] = []
    for subscription in all_subscriptions():
        spec_context = subscription.event_type.split(".")[1]
        if spec_context not in publishers:
            errors.append(
                Error(
                    f"Subscription {subscription.name} listens to {subscription.event_type}, "
                    f"but no installed context named {spec_context!r} publishes it.",
                    hint=f"{cite(11)}: install the context {spec_context!r} (a "
                    "modulith.ContextConfig app) or remove the subscription.",
                    obj=subscription.handler,
                    id="modulith.E002",
                )
            )
        errors += _check_handler_signature(subscription)
    return errors


def _check_handler_signature(subscription: Subscription) -> list[CheckMessage]:
    expected = subscription.event_class.__name__
    hint = (
        f"{cite(11)}: declare it as "
        f"`def {subscription.handler.__name__}(event: {expected}) -> None` and subscribe it"
        f" with @subscribe({expected})."
    )
    try:
        parameters = list(inspect.signature(subscription.handler).parameters.values())
        hints = typing.get_type_hints(subscription.handler)
    except (TypeError, ValueError, NameError) as error:
        return [_handler_error(subscription, f"cannot be inspected ({error})", hint)]
    if len([p for p in parameters if p.default is inspect.Parameter.empty]) != 1:
        return [_handler_error(subscription, "must take exactly one argument, the event", hint)]
    annotation = hints.get(parameters[0].name)
    if annotation is not subscription.event_class:
        found = getattr(annotation, "__name__", repr(annotation))
        return [
            _handler_error(
                subscription, f"annotates its event as {found}, but subscribes to {expected}", hint
            )
        ]
    return []


def _handler_error(subscription: Subscription, problem: str, hint: str) -> Error:
    return Error(
        f"Handler {subscription.name} {problem}.",
        hint=hint,
        obj=subscription.handler,
        id="modulith.E003",
    )


@register(Tags.models)
def check_context_modules(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for context in all_contexts():
        for module in ("api", "events"):
            if find_spec(f"{context.name}.{module}") is None:
                errors.append(
                    Error(
                        f"Context {context.label} has no {module}.py.",
                        hint=f"{cite(1)}: create {context.name.replace('.', '/')}/{module}.py: "
                        "a context's "
                        "public surface is its api (functions, DTOs) and its events, even "
                        "when empty.",
                        obj=context,
                        id="modulith.E004",
                    )
                )
    return errors


@register(Tags.models, Tags.database)
def check_database_routing(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    configured = modulith_setting("CONTEXT_DATABASES", {}) or {}
    for label, alias in configured.items():
        if alias not in settings.DATABASES:
            errors.append(
                Error(
                    f"CONTEXT_DATABASES maps context {label!r} to database {alias!r}, which is "
                    "not in DATABASES.",
                    hint=f"Add DATABASES[{alias!r}] (e.g. through the CONTEXT_DATABASES "
                    "environment variable) or remove the mapping.",
                    id="modulith.E008",
                )
            )
    # Contexts hosted by other services have no database here (modulith.topology.guard).
    for context in local_contexts():
        for model in context.get_models():
            errors += routing_errors(model, context)
    return errors


def routing_errors(model: Any, context: ContextConfig) -> list[CheckMessage]:
    alias = router.db_for_write(model)
    if alias == context.database_alias:
        return []
    return [
        Error(
            f"{model._meta.label} is routed to database {alias!r}, but its context "
            f"{context.label} lives in {context.database_alias!r}.",
            hint=f"{cite(3)}: a context's tables live in its own database only: fix the database "
            f"router, or move the model into the context that owns {alias!r}.",
            obj=model,
            id="modulith.E005",
        )
    ]


@register(Tags.models)
def check_relations_across_contexts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for context in all_contexts():
        for model in context.get_models():
            errors += relation_errors(model, context)
    return errors


def relation_errors(model: Any, context: ContextConfig) -> list[CheckMessage]:
    """Every relation field of `model` (in `context`) that points into another context."""
    errors: list[CheckMessage] = []
    label = model._meta.label
    for field in model._meta.get_fields(include_hidden=False):
        remote = getattr(field, "remote_field", None)
        # Reverse relations belong to the model that declares the field; skip them here.
        if remote is None or field.auto_created or getattr(field, "model", None) is not model:
            continue
        target = _context_of(remote.model, model)
        if target is not None and target.label != context.label:
            errors.append(
                Error(
                    f"{label}.{field.name} is a {type(field).__name__} to "
                    f"{target.label}: a relation across contexts.",
                    hint=f"{cite(2)}: store the {target.label} id in a plain field (e.g. "
                    f"UUIDField) and resolve it through {target.name}.api.",
                    obj=field,
                    id="modulith.E006",
                )
            )
    return errors


def _context_of(target: Any, source: Any) -> ContextConfig | None:
    if isinstance(target, str):  # a reference Django has not resolved: "app_label.Model"
        label = target.split(".", 1)[0] if "." in target else source._meta.app_label
        registry = source._meta.apps
        try:
            app: AppConfig = registry.get_app_config(label)
        except LookupError:
            return None
    else:
        app = target._meta.app_config
    return app if isinstance(app, ContextConfig) else None


@register()
def check_transports(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    default = modulith_setting("EVENT_TRANSPORT", "inprocess")
    configured = {"EVENT_TRANSPORT": default}
    for label, transport in (modulith_setting("CONTEXT_TRANSPORTS", {}) or {}).items():
        configured[f"CONTEXT_TRANSPORTS[{label!r}]"] = transport
    for name, transport in configured.items():
        if transport not in TRANSPORTS:
            errors.append(
                Error(
                    f"{name} is {transport!r}, which is not an event transport.",
                    hint=f"Use one of {', '.join(TRANSPORTS)}.",
                    id="modulith.E007",
                )
            )
    return errors


@register()
def check_retention(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = kernel_settings()
    window = longest_redelivery_window()
    if config.inbox_retention > window:
        return []
    return [
        Error(
            f"MODULITH INBOX_RETENTION ({config.inbox_retention}) is not longer than the longest "
            f"redelivery window ({window}): a late duplicate could find its inbox row purged "
            "and run its handler twice.",
            hint="Raise INBOX_RETENTION (INBOX_RETENTION_DAYS) above OUTBOX_RETENTION, the "
            "broker's visibility timeout and the whole retry span.",
            id="modulith.E009",
        )
    ]


def longest_redelivery_window() -> timedelta:
    """How long after its first delivery an event may still arrive again, at most."""
    config = kernel_settings()
    transport_options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    visibility = timedelta(seconds=float(transport_options.get("visibility_timeout", 0)))
    return max(
        # An outbox row is kept (and could be re-sent) until purged.
        config.outbox_retention,
        longest_retry_window(config) + config.claim_lease,
        visibility,
    )
