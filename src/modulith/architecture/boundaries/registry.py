"""The boundary checks that need the live app registry as well as the source.

What an api module exposes is only known once it is imported (a name bound by a star import or
an assignment shows as a model only at run time); who publishes an event and who subscribes to
it is known from the registries plus the AST pass over the publishers.
"""

from __future__ import annotations

import ast
import inspect
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from modulith.architecture.boundaries.findings import Finding, finding
from modulith.architecture.boundaries.owners import Owners
from modulith.architecture.boundaries.source import display_path
from modulith.events.subscriptions import all_subscriptions


def exposure(module: str, name: str, owners: Owners) -> str:
    """What `name` of api module `module` is, if no other context may hold it; else ""."""
    if name.startswith("_"):
        return f"the private name {name}"
    try:
        value = getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return ""  # the import itself fails at run time; nothing to add here
    return _leak(value, owners)


def _leak(value: Any, owners: Owners) -> str:
    if isinstance(value, type) and issubclass(value, models.Model):
        return f"the model {value._meta.label}"
    if isinstance(value, models.QuerySet):
        return "a QuerySet"
    if isinstance(value, models.Manager):
        return "a model manager"
    private_module = (
        isinstance(value, ModuleType)
        and owners.of_module(value.__name__) is not None
        and not _is_public_module(value, owners)
    )
    return f"the module {value.__name__}" if private_module else ""


def api_exposures(owners: Owners) -> list[Finding]:
    """B010: public names of a context's api module that are models, QuerySets, managers or
    modules of a context."""
    findings: list[Finding] = []
    for context in owners.contexts:
        name = f"{context.name}.api"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        path = Path(inspect.getfile(module))
        lines = _binding_lines(path)
        for attribute, value in sorted(vars(module).items()):
            leak = "" if attribute.startswith("_") else _leak(value, owners)
            if not leak:
                continue
            findings.append(
                finding(
                    display_path(path),
                    lines.get(attribute, 1),
                    1,
                    "modulith.B010",
                    f"{name}.{attribute} is {leak}: any context can import it from the api.",
                    "import it under `if TYPE_CHECKING:` (for annotations) or inside the "
                    "function that uses it, or bind it to a private name (`_selectors`); the "
                    "api hands out frozen DTOs only.",
                )
            )
    return findings


def _is_public_module(value: Any, owners: Owners) -> bool:
    if not isinstance(value, ModuleType):
        return False
    context = owners.of_module(value.__name__)
    return context is not None and owners.is_public_module(value.__name__, context)


def _binding_lines(path: Path) -> dict[str, int]:
    """Module-level names and the line that first binds each."""
    lines: dict[str, int] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names: list[str] = []
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names = [node.name]
        for name in names:
            lines.setdefault(name, node.lineno)
    return lines


def generic_relations(owners: Owners) -> list[Finding]:
    """B009: a ForeignKey to ContentType (the half of a generic relation Django can check) that
    is not limited to the context's own models."""
    findings: list[Finding] = []
    for context in owners.contexts:
        for model in context.get_models():
            for field in model._meta.get_fields():
                related = getattr(field, "related_model", None)
                if not field.concrete or related is not ContentType:
                    continue
                limit = getattr(field.remote_field, "limit_choices_to", None) or {}
                if isinstance(limit, dict) and limit.get("app_label") == context.label:
                    continue
                path, line = _field_location(model, field.name)
                findings.append(
                    finding(
                        path,
                        line,
                        1,
                        "modulith.B009",
                        f"{model._meta.label}.{field.name} is a ContentType key: with a "
                        "GenericForeignKey it can point into any context.",
                        f"store the other context's id in a plain field; if the relation stays "
                        f"inside {context.label}, add "
                        f'limit_choices_to={{"app_label": "{context.label}"}}.',
                    )
                )
    return findings


def _field_location(model: type, field_name: str) -> tuple[str, int]:
    path = inspect.getsourcefile(model) or "?"
    try:
        source, start = inspect.getsourcelines(model)
    except (OSError, TypeError):
        return display_path(path), 1
    for offset, text in enumerate(source):
        if text.strip().startswith(f"{field_name} ") or text.strip().startswith(f"{field_name}="):
            return display_path(path), start + offset
    return display_path(path), start


def unpublished_subscriptions(owners: Owners, instantiated: dict[str, set[str]]) -> list[Finding]:
    """B012: a subscription to an event class that its context declares but never constructs.

    `instantiated` maps each context label to the names its code calls outside events.py; an
    event class never called there is never published (publish() needs an instance).
    """
    findings: list[Finding] = []
    for subscription in all_subscriptions():
        event_class = subscription.event_class
        publisher = owners.of_module(event_class.__module__)
        if publisher is None or event_class.__name__ in instantiated.get(publisher.label, set()):
            continue
        handler = inspect.unwrap(subscription.handler)
        path = display_path(inspect.getsourcefile(handler) or "?")
        line = inspect.getsourcelines(handler)[1] if path != "?" else 1
        findings.append(
            finding(
                path,
                line,
                1,
                "modulith.B012",
                f"Subscription {subscription.name} listens to {event_class.__name__} "
                f"({subscription.event_type}), which {publisher.label} declares but never "
                "publishes: the handler can never run.",
                f"publish {event_class.__name__} from one of {publisher.label}'s services, or "
                "remove the subscription (and the event, if nothing else needs it).",
            )
        )
    return findings
