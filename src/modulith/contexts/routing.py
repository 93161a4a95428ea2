"""Routes each context's models to its database alias; modulith's own tables live everywhere."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from modulith.contexts.registry import ContextConfig

# The outbox and inbox follow the context that writes them, so they exist in every database.
_EVERYWHERE = {"modulith"}


def _alias_for(app_label: str) -> str | None:
    try:
        app = apps.get_app_config(app_label)
    except LookupError:
        return None
    if isinstance(app, ContextConfig):
        return app.database_alias
    return None


class ContextDatabaseRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return _alias_for(model._meta.app_label)  # type: ignore[attr-defined]

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return _alias_for(model._meta.app_label)  # type: ignore[attr-defined]

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if app_label in _EVERYWHERE:
            return True
        alias = _alias_for(app_label)
        if alias is not None:
            return db == alias
        # Django's own apps (auth, sessions, admin, beat…) live in the default database.
        return db == "default"
