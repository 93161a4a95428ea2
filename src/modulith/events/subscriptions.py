"""subscribe(): register a context's handler for another context's event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from modulith.contexts.registry import ContextConfig, context_of_module, get_context
from modulith.events.declaration import spec_for_class

Handler = TypeVar("Handler", bound=Callable[..., Any])


@dataclass(frozen=True)
class Subscription:
    name: str  # "<context>.<handler>"
    context_label: str
    event_type: str
    event_class: type
    handler: Callable[[Any], None]

    @property
    def context(self) -> ContextConfig:
        return get_context(self.context_label)


_SUBSCRIPTIONS: dict[str, Subscription] = {}


def subscribe(event_class: type) -> Callable[[Handler], Handler]:
    """Run the decorated function, in the subscriber's own transaction, for each such event."""
    spec = spec_for_class(event_class)

    def register(handler: Handler) -> Handler:
        context = context_of_module(handler.__module__)
        name = f"{context.label}.{handler.__name__}"
        _SUBSCRIPTIONS[name] = Subscription(
            name=name,
            context_label=context.label,
            event_type=spec.type,
            event_class=event_class,
            handler=handler,
        )
        return handler

    return register


class UnknownSubscriptionError(LookupError):
    pass


def get_subscription(name: str) -> Subscription:
    try:
        return _SUBSCRIPTIONS[name]
    except KeyError:
        raise UnknownSubscriptionError(f"No subscription is named {name!r}.") from None


def subscriptions_for(event_type: str) -> list[Subscription]:
    return [sub for sub in _SUBSCRIPTIONS.values() if sub.event_type == event_type]


def all_subscriptions() -> list[Subscription]:
    return sorted(_SUBSCRIPTIONS.values(), key=lambda sub: sub.name)
