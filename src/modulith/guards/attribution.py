"""Which context is running: the innermost frame of the call stack whose module is a context's.

No marker has to be set by hand: a handler, service, selector, view, task, model method or api
function of a context is on the stack whenever its code runs a query, and the innermost such
frame is the code that issued it. An api call into another context puts that context's frames
innermost, so its queries are attributed to it, as they should be; a QuerySet handed back and
evaluated by the caller is attributed to the caller, and refused.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from modulith.contexts.registry import all_contexts


@lru_cache(maxsize=4096)
def context_of_module(module: str) -> str | None:
    """The label of the context whose package holds `module`, or None."""
    owners = [c for c in all_contexts() if module == c.name or module.startswith(f"{c.name}.")]
    return max(owners, key=lambda c: len(c.name)).label if owners else None


def running_context() -> tuple[str, str] | None:
    """(context label, module) of the innermost context frame on the stack, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        label = context_of_module(module)
        if label is not None:
            return label, f"{module}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def forget() -> None:
    """Drop cached answers (the installed contexts changed)."""
    context_of_module.cache_clear()
