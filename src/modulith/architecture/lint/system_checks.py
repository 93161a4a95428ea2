"""Django's system checks (modulith.E0xx among them) as findings anchored to a source line.

A check message carries the object it is about (a function, a class, a model field, an app
config) or nothing when it is about a setting. The line is that object's definition, a field's
assignment in its model, or the setting's assignment under config/settings/.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

from django.core import checks
from django.core.checks import CheckMessage
from django.db import models

from modulith.architecture.boundaries import Finding
from modulith.architecture.boundaries.source import display_path
from modulith.architecture.files import project_root

_SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def system_check_findings() -> list[Finding]:
    """Every unsilenced message at WARNING or above, as `manage.py check --fail-level WARNING`
    would fail on."""
    messages = checks.run_checks(include_deployment_checks=False)
    return [
        finding_for(message)
        for message in messages
        if message.level >= checks.WARNING and not message.is_silenced()
    ]


def finding_for(message: CheckMessage) -> Finding:
    path, line, col = locate(message.obj, message.msg)
    text = f"{message.msg} {message.hint}" if message.hint else message.msg
    return Finding(path, line, col, message.id or "django.check", text)


def locate(obj: Any, text: str) -> tuple[str, int, int]:
    """The (path, line, column) a message about `obj` points at; never fails."""
    if isinstance(obj, models.Field) and hasattr(obj, "model"):
        return _field_place(obj)
    target = obj if inspect.isclass(obj) or inspect.isroutine(obj) else type(obj)
    if obj is not None and not _is_builtin(target):
        try:
            source = inspect.getsourcefile(inspect.unwrap(target))
            _, line = inspect.getsourcelines(inspect.unwrap(target))
        except (OSError, TypeError):
            source = None
        if source:
            return display_path(source), max(line, 1), 1
    return _setting_place(text)


def _is_builtin(target: Any) -> bool:
    return getattr(target, "__module__", "builtins") in {"builtins", None}


def _field_place(field: models.Field[Any, Any]) -> tuple[str, int, int]:
    """The line assigning the field in its model's class body (or the class line)."""
    model = field.model
    source = inspect.getsourcefile(model)
    if source is None:
        return _setting_place(str(field))
    _, class_line = inspect.getsourcelines(model)
    tree = ast.parse(Path(source).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == model.__name__:
            for statement in node.body:
                if _assigns(statement, field.name):
                    return display_path(source), statement.lineno, statement.col_offset + 1
    return display_path(source), class_line, 1


def _assigns(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and statement.target.id == name
    return False


def _setting_place(text: str) -> tuple[str, int, int]:
    """Where config/settings/ assigns the first setting the message names; else the package."""
    settings_dir = project_root() / "config" / "settings"
    for name in _SETTING_NAME.findall(text):
        # `NAME = ...`, `NAME: type = ...` or a `"NAME": ...` entry of a settings dict.
        assignment = re.compile(rf'^\s*"?{name}"?\s*[:=]', re.M)
        for path in sorted(settings_dir.glob("*.py")):
            source = path.read_text(encoding="utf-8")
            if match := assignment.search(source):
                return display_path(path), source.count("\n", 0, match.start()) + 1, 1
    return display_path(settings_dir / "__init__.py"), 1, 1
