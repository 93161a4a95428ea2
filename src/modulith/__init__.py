"""modulith: the machinery that keeps a Django monolith modular.

It knows no context by name. Contexts declare themselves with `ContextConfig`, publish typed
events with `publish`, and react to other contexts' events with `subscribe`.

The public names are imported lazily so that importing `modulith` never touches Django models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modulith.contexts.registry import ContextConfig
    from modulith.events.declaration import event
    from modulith.events.delivery import PermanentError
    from modulith.events.outbox import PublishOutsideTransactionError, publish
    from modulith.events.subscriptions import subscribe

__all__ = [
    "ContextConfig",
    "PermanentError",
    "PublishOutsideTransactionError",
    "event",
    "publish",
    "subscribe",
]

_LOCATIONS = {
    "ContextConfig": "modulith.contexts.registry",
    "PermanentError": "modulith.events.delivery",
    "PublishOutsideTransactionError": "modulith.events.outbox",
    "event": "modulith.events.declaration",
    "publish": "modulith.events.outbox",
    "subscribe": "modulith.events.subscriptions",
}


def __getattr__(name: str) -> Any:
    if name not in _LOCATIONS:
        raise AttributeError(f"module 'modulith' has no attribute {name!r}")
    return getattr(import_module(_LOCATIONS[name]), name)
