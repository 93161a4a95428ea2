"""How an api call travels as JSON: arguments, result and declared exceptions.

pydantic TypeAdapters built from the function's type hints do the work, as for events: Decimal as
a string (exact), UUID and datetime as strings, tuples and frozen dataclasses (DTOs) rebuilt as
themselves. Abstract collection hints (`Collection[str]`) travel as lists, since JSON has nothing
else and pydantic cannot build an abstract type.

An exception the api module declares (defines, or re-exports from its own context's modules, as
it does a NotFound its selectors raise) travels as its class name, its `args` and its public
attributes; the caller's side rebuilds an instance of the same class without calling its
`__init__` (which may take other arguments), decoding each attribute with the hint of the
`__init__` parameter of the same name when there is one (`customer_id: UUID`).
"""

from __future__ import annotations

import inspect
import operator
import sys
from collections.abc import Callable, Collection, Iterable
from functools import cache, reduce
from types import ModuleType, UnionType
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints

from pydantic import ConfigDict, TypeAdapter, with_config
from pydantic_core import to_jsonable_python
from typing_extensions import TypedDict

# Hints pydantic cannot instantiate, and the concrete type that travels instead.
_CONCRETE: dict[Any, Any] = {Collection: list, Iterable: list}

# pydantic needs typing_extensions' TypedDict on Python 3.11; built from a dict of fields here.
_typed_dict: Any = TypedDict


def wire_type(hint: Any) -> Any:
    """`hint` with abstract collections replaced by lists, at any depth."""
    args = get_args(hint)
    if not args:
        return hint
    wired = tuple(wire_type(arg) for arg in args)
    origin = get_origin(hint)
    if origin in _CONCRETE:
        return _CONCRETE[origin][wired]
    if wired == args:
        return hint
    if origin in (Union, UnionType):
        return reduce(operator.or_, wired)
    return origin[wired]


class FunctionCodec:
    """The adapters of one api function: its arguments (one JSON object), its result, and the
    exceptions its module declares."""

    def __init__(self, function: Callable[..., Any]) -> None:
        hints = get_type_hints(function)
        fields: dict[str, Any] = {}
        for name, parameter in inspect.signature(function).parameters.items():
            hint = wire_type(hints.get(name, Any))
            optional = parameter.default is not inspect.Parameter.empty
            fields[name] = NotRequired[hint] if optional else hint
        arguments = _typed_dict(f"{function.__name__}_arguments", fields)
        # A misspelt argument is an error, not silently dropped.
        self.arguments: TypeAdapter[dict[str, Any]] = TypeAdapter(
            with_config(ConfigDict(extra="forbid"))(arguments)
        )
        self.result: TypeAdapter[Any] = TypeAdapter(wire_type(hints.get("return", Any)))
        self.exceptions = declared_exceptions(sys.modules[function.__module__])
        # For `except`: the classes the serving side turns into problems.
        self.declared_classes: tuple[type[Exception], ...] = tuple(self.exceptions.values())

    # Both sides validate before dumping: the value then has exactly the declared shape (a set
    # passed as a Collection becomes a list) and pydantic serializes it without guessing.

    def encode_arguments(self, arguments: dict[str, Any]) -> bytes:
        return self.arguments.dump_json(self.arguments.validate_python(arguments))

    def decode_arguments(self, body: bytes) -> dict[str, Any]:
        """Raises pydantic.ValidationError."""
        return self.arguments.validate_json(body)

    def encode_result(self, value: Any) -> bytes:
        return self.result.dump_json(self.result.validate_python(value))

    def decode_result(self, body: bytes) -> Any:
        """Raises pydantic.ValidationError."""
        return self.result.validate_json(body)

    def encode_exception(self, error: BaseException) -> dict[str, Any] | None:
        return encode_exception(error, self.exceptions)

    def decode_exception(self, payload: Any) -> Exception | None:
        return decode_exception(payload, self.exceptions)


# --- Declared exceptions ------------------------------------------------------------------------


@cache
def codec_for(function: Callable[..., Any]) -> FunctionCodec:
    """The codec of an api function's local implementation, built on its first remote call:
    its type hints may name classes its module defines after the function."""
    return FunctionCodec(function)


def declared_exceptions(module: ModuleType) -> dict[str, type[Exception]]:
    """The exception classes a module defines or re-exports from its own package, by name.

    An api module re-exports the NotFound its selectors raise (rule 13): that is its own
    exception. A builtin, or another context's exception it happens to import, is not.
    """
    package = module.__name__.rpartition(".")[0]
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and not name.startswith("_")
        and (value.__module__ == module.__name__ or value.__module__.startswith(f"{package}."))
    }


def declared_class(
    error: BaseException, declared: dict[str, type[Exception]]
) -> type[Exception] | None:
    """The declared class `error` is an instance of (its own, or the nearest ancestor)."""
    for cls in type(error).__mro__:
        if declared.get(cls.__name__) is cls:
            return cls
    return None


def encode_exception(
    error: BaseException, declared: dict[str, type[Exception]]
) -> dict[str, Any] | None:
    """`{"name", "args", "attributes"}` for a declared exception; None for any other."""
    cls = declared_class(error, declared)
    if cls is None:
        return None
    attributes = {name: value for name, value in vars(error).items() if not name.startswith("_")}
    return {
        "name": cls.__name__,
        "args": to_jsonable_python(error.args, fallback=str),
        "attributes": to_jsonable_python(attributes, fallback=str),
    }


def decode_exception(payload: Any, declared: dict[str, type[Exception]]) -> Exception | None:
    """The declared exception `payload` describes, or None if it names no declared class."""
    if not isinstance(payload, dict):
        return None
    cls = declared.get(str(payload.get("name")))
    if cls is None:
        return None
    args = payload.get("args")
    attributes = payload.get("attributes")
    error = cls.__new__(cls)
    error.args = tuple(args) if isinstance(args, list) else ()
    hints = _init_hints(cls)
    for name, value in (attributes if isinstance(attributes, dict) else {}).items():
        hint = hints.get(name)
        setattr(error, name, TypeAdapter(hint).validate_python(value) if hint else value)
    return error


def _init_hints(cls: type[Exception]) -> dict[str, Any]:
    init = cls.__init__
    if not inspect.isfunction(init):
        return {}  # BaseException's own: no hints
    try:
        hints = get_type_hints(init)
    except (NameError, TypeError):
        return {}
    hints.pop("return", None)
    return {name: wire_type(hint) for name, hint in hints.items()}
