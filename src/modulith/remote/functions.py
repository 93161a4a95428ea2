"""@api_function: the mark on a context's public api functions (kept by modulith.remote.registry).

The mark decides at each call where the function runs: here, or in the process CONTEXT_REMOTES
names for its context. Which context a function belongs to, and its codec, are worked out on
first use: an api module may be imported before Django's app registry is ready.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from importlib import import_module
from importlib.util import find_spec
from typing import Any, ParamSpec, TypeVar, cast

from modulith.contexts.registry import UnknownContextError, get_context
from modulith.guards import check_api_result
from modulith.remote.registry import ApiFunction, register, registered
from modulith.remote.settings import remote_url

P = ParamSpec("P")
R = TypeVar("R")

API_MODULE = "api"


def api_function(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a public function of a context's api.py: it runs in this process, or over HTTP in the
    process that serves its context when CONTEXT_REMOTES names that context.

    The function must take keyword-only arguments and type-hint them and its result (rule 10,
    docs/rules.md#rule-10): the hints are the wire format. Exceptions the module defines or
    re-exports from its own context cross the wire as themselves; anything else that goes wrong
    remotely raises RemoteApiUnavailable.
    """
    _require_keyword_only(function)
    spec = register(function)

    @wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        url = remote_url(spec.context)
        if url is None:
            result = function(*args, **kwargs)
            check_api_result(spec.qualified_name, result)
            return result
        # httpx & co. are imported only by processes that call another service.
        from modulith.remote.client import call_remote

        return cast(R, call_remote(spec, url, dict(kwargs)))

    return call


def _require_keyword_only(function: Callable[..., Any]) -> None:
    positional = [
        parameter.name
        for parameter in inspect.signature(function).parameters.values()
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    if positional:
        raise TypeError(
            f"{function.__module__}.{function.__qualname__} cannot be an api function: "
            f"{', '.join(positional)} must be keyword-only. Put `*` first in its parameters, "
            "e.g. `def get_products(*, skus: Collection[str])` (rule 10, docs/rules.md#rule-10)."
        )


def served_function(context: str, name: str) -> ApiFunction | None:
    """The api function `name` of `context` if this process serves that context, else None."""
    try:
        config = get_context(context)
    except UnknownContextError:
        return None
    if remote_url(config.label) is not None:
        return None  # served elsewhere: answering from this process's data would hide the mistake
    module = f"{config.name}.{API_MODULE}"
    if find_spec(module) is None:
        return None
    import_module(module)  # registers its functions, if nothing has imported it yet
    return registered(module, name)
