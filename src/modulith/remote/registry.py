"""The registry of api functions: every function marked `@api_function`, by module and name.

It imports nothing else of `modulith.remote`, so the decorator (functions), the calling side
(client), the serving side (views) and the route they share (protocol) all build on it without
importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from modulith.contexts.registry import context_of_module


class ApiFunction:
    """One public api function: its local implementation and its context."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.local = function
        self.module = function.__module__
        self.name = function.__name__

    @cached_property
    def context(self) -> str:
        return context_of_module(self.module).label

    @property
    def qualified_name(self) -> str:
        return f"{self.context}.{self.name}"


_registry: dict[tuple[str, str], ApiFunction] = {}


def register(function: Callable[..., Any]) -> ApiFunction:
    spec = ApiFunction(function)
    _registry[(spec.module, spec.name)] = spec
    return spec


def registered(module: str, name: str) -> ApiFunction | None:
    return _registry.get((module, name))


def describe(function: Callable[..., Any]) -> ApiFunction:
    """The ApiFunction behind a marked function (or its local implementation)."""
    spec = _registry.get((function.__module__, function.__name__))
    if spec is None:
        raise LookupError(f"{function.__module__}.{function.__name__} is not an @api_function.")
    return spec


def api_functions_of(module: str) -> dict[str, ApiFunction]:
    """The marked functions of an (imported) module, by name."""
    return {name: spec for (owner, name), spec in _registry.items() if owner == module}
