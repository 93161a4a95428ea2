"""The views' OpenAPI annotations, applied when a schema is generated rather than when views load.

drf-spectacular's `@extend_schema` builds a schema class for the view it decorates, and so
imports drf-spectacular's schema generator the moment the view's module loads; the generator
imports DRF's and Django's test clients, and with them jinja2 and unittest: about 5 MB in every
web process, which serves the schema rarely or never (docs/performance.md, RSS).

`extend_schema` and `extend_schema_view` here take the same arguments as drf-spectacular's,
leave what they decorate as it is and remember the call. `apply_annotations()` makes
drf-spectacular's own calls, on the same objects and in the order the decorators ran, before any
schema is generated: modulith.http.openapi.SchemaGenerator (SPECTACULAR_SETTINGS'
DEFAULT_GENERATOR_CLASS, used by the schema view, `manage.py spectacular` and the contract
checks) calls it first. The schema is therefore the one the decorators would have made at once.

`lazy_view` serves a view whose class is imported at its first request: the schema, Swagger UI
and ReDoc views in the URLconf.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular import utils as spectacular

P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])


class _Annotation:
    """One decorator call of drf-spectacular, waiting until a schema is generated."""

    def __init__(self, factory: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        self.factory = factory
        self.args = args
        self.kwargs = kwargs

    def __call__(self, target: F) -> F:
        with _lock:
            _pending.append((self, target))
        return target

    def decorator(self) -> Callable[[Any], Any]:
        """drf-spectacular's decorator, with the annotations among the arguments (the methods
        of extend_schema_view) made drf-spectacular's too."""
        args = [_spectacular(value) for value in self.args]
        kwargs = {name: _spectacular(value) for name, value in self.kwargs.items()}
        decorator: Callable[[Any], Any] = self.factory(*args, **kwargs)
        return decorator


def _spectacular(value: Any) -> Any:
    if isinstance(value, _Annotation):
        return value.decorator()
    if isinstance(value, list | tuple):
        return type(value)(_spectacular(item) for item in value)
    return value


# (annotation, what it decorates), in the order the decorators ran. Reentrant: applying one may
# import a module whose decorators run meanwhile; they are applied in the same pass.
_pending: list[tuple[_Annotation, Any]] = []
_lock = threading.RLock()


def _deferred(factory: Callable[P, Callable[[F], F]]) -> Callable[P, Callable[[F], F]]:
    @functools.wraps(factory)
    def remember(*args: P.args, **kwargs: P.kwargs) -> Callable[[F], F]:
        return _Annotation(factory, args, kwargs)

    return remember


extend_schema = _deferred(spectacular.extend_schema)
extend_schema_view = _deferred(spectacular.extend_schema_view)


def apply_annotations() -> None:
    """Apply every remembered annotation, in the order the decorators ran. Each is applied once;
    views loaded afterwards (a URLconf a test swaps in) are applied at the next call."""
    with _lock:
        while _pending:
            annotation, target = _pending.pop(0)
            annotation.decorator()(target)


def lazy_view(view_class: str, **initkwargs: Any) -> Callable[..., HttpResponse]:
    """The view `view_class` (a dotted path) `.as_view(**initkwargs)` would give, with the class
    imported at the first request. Exempt from CSRF checks, as every DRF view is."""

    @functools.cache
    def view() -> Callable[..., HttpResponse]:
        as_view: Callable[..., HttpResponse] = import_string(view_class).as_view(**initkwargs)
        return as_view

    def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view()(request, *args, **kwargs)

    return csrf_exempt(serve)
