"""The AST pass: every escape route from a context that shows in its own source.

Each literal name the source hands to Django (an app label, a module path, a database alias, a
table inside a SQL string) is resolved to the context that owns it, and refused when that is not
the context whose code names it. The escape hatches that need no name (raw SQL, side effects
inside a transaction, signals) are refused wherever they appear in a context.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager

from modulith.architecture.boundaries.findings import Finding, finding
from modulith.architecture.boundaries.owners import Owners
from modulith.architecture.boundaries.registry import exposure
from modulith.architecture.boundaries.source import ModuleSource
from modulith.contexts.registry import ContextConfig

MODEL_SIGNALS = frozenset(
    {
        "pre_init",
        "post_init",
        "pre_save",
        "post_save",
        "pre_delete",
        "post_delete",
        "m2m_changed",
        "class_prepared",
    }
)
BROKER_METHODS = frozenset({"delay", "apply_async", "send_task"})
MAIL_FUNCTIONS = frozenset({"send_mail", "send_mass_mail", "mail_admins", "mail_managers"})
HTTP_PACKAGES = ("requests", "httpx", "urllib3", "urllib.request")
SQL_WORDS = re.compile(r"\b(select|insert|update|delete|join|from|into|table)\b", re.IGNORECASE)

_ON_COMMIT_FIX = (
    "publish an event and let a handler do it, or defer it with "
    "transaction.on_commit(lambda: ..., using=database.alias())."
)


def dotted(node: ast.expr) -> str:
    """`a.b.c` for a Name/Attribute chain; "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):  # e.g. EmailMessage(...).send: name the call's target
        inner = dotted(node.func)
        return ".".join([f"{inner}()", *reversed(parts)]) if inner else ""
    return ""


def literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_atomic(node: ast.expr) -> bool:
    """`atomic`, `transaction.atomic`, `database.atomic`, with or without a call."""
    target = node.func if isinstance(node, ast.Call) else node
    return dotted(target).split(".")[-1] == "atomic"


def _is_subscription(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return dotted(target).split(".")[-1] == "subscribe"


class BoundaryScanner(ast.NodeVisitor):
    """Walks one module of one context, collecting findings and the classes it instantiates."""

    def __init__(self, source: ModuleSource, owners: Owners) -> None:
        self.source = source
        self.owners = owners
        self.context: ContextConfig = source.context
        self.findings: list[Finding] = []
        self.instantiated: set[str] = set()
        # Why the code being walked runs inside a transaction ("" when it does not).
        self._transaction = ""

    # --- helpers --------------------------------------------------------------------------------

    def report(self, node: ast.AST, check_id: str, problem: str, fix: str) -> None:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1
        self.findings.append(finding(self.source.relative_path, line, col, check_id, problem, fix))

    def foreign(self, other: ContextConfig | None) -> ContextConfig | None:
        """`other` when it is a context other than this one, else None."""
        return other if other is not None and other.label != self.context.label else None

    @contextmanager
    def transaction(self, reason: str) -> Iterator[None]:
        outer, self._transaction = self._transaction, reason
        try:
            yield
        finally:
            self._transaction = outer

    # --- scopes: where a transaction is open ----------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        reason = ""  # a nested function runs later (on_commit, a callback), not in the outer one
        if any(_is_atomic(d) for d in node.decorator_list):
            reason = f"{node.name}() is atomic"
        elif self.source.leaf == "handlers" and any(
            _is_subscription(d) for d in node.decorator_list
        ):
            reason = f"handler {node.name}() runs inside its delivery transaction"
        with self.transaction(reason):
            for statement in (*node.args.defaults, *node.args.kw_defaults, *node.body):
                if statement is not None:
                    self.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        with self.transaction(""):
            self.generic_visit(node)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item)
        reason = self._transaction
        if any(_is_atomic(item.context_expr) for item in node.items):
            reason = f"the `with {dotted(_target(node.items))}(...)` block is a transaction"
        with self.transaction(reason):
            for statement in node.body:
                self.visit(statement)

    visit_AsyncWith = visit_With

    # --- imports --------------------------------------------------------------------------------

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        other = self.owners.of_module(module)
        if self.foreign(other) and module.endswith(".api"):
            self.api_names(node, module)

    def api_names(self, node: ast.ImportFrom, module: str) -> None:
        for alias in node.names:
            problem = exposure(module, alias.name, self.owners)
            if problem:
                self.report(
                    node,
                    "modulith.B011",
                    f"`from {module} import {alias.name}` takes {problem} from another "
                    "context's api.",
                    f"use only its @api_function functions, DTOs and exceptions; if you need "
                    f"something else, add a function returning a DTO to {module}.",
                )

    # --- calls ----------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        last = name.split(".")[-1]
        self.instantiated.add(last)
        first = literal(node.args[0]) if node.args else None
        self.dynamic_import(node, last, first)
        self.model_lookup(node, name, last)
        self.raw_sql(node, name, last)
        self.database_alias(node, last, first)
        self.signal(node, name, last)
        self.side_effect(node, name, last)
        self.generic_visit(node)

    def dynamic_import(self, node: ast.Call, last: str, first: str | None) -> None:
        if last not in {"import_module", "__import__"} or first is None:
            return
        other = self.foreign(self.owners.of_module(first))
        if other is not None and not self.owners.is_public_module(first, other):
            self.report(
                node,
                "modulith.B001",
                f"{last}({first!r}) loads a private module of context {other.label}.",
                f"import {other.name}.api (or .events) and call it instead.",
            )

    def model_lookup(self, node: ast.Call, name: str, last: str) -> None:
        labels = [literal(arg) for arg in node.args[:1]]
        if last in {"get_model", "get_app_config", "get_models"} and labels[0]:
            other = self.foreign(self.owners.of_model_label(labels[0]))
            if other is not None:
                self.report(
                    node,
                    "modulith.B002",
                    f"{name}({labels[0]!r}...) reaches a model of context {other.label}.",
                    f"ask {other.name}.api for what you need (a function returning a DTO).",
                )
        label = literal(node.args[0]) if last == "get_by_natural_key" and node.args else None
        for keyword in node.keywords:
            if keyword.arg == "app_label":
                label = literal(keyword.value) or label
        if label is not None and self.foreign(self.owners.by_label(label)):
            self.report(
                node,
                "modulith.B008",
                f"{name}(...) looks up a content type of context {label}.",
                f"keep {label}'s id in a plain field and resolve it through its api; content "
                "types and generic relations stay inside one context.",
            )

    def raw_sql(self, node: ast.Call, name: str, last: str) -> None:
        if self.source.is_migration:
            return  # migrations run SQL on the context's own tables; B005 still checks names
        hatch = {
            "raw": "QuerySet.raw()",
            "extra": "QuerySet.extra()",
            "RawSQL": "RawSQL",
            "cursor": "a database cursor",
            "get_connection": "transaction.get_connection()",
        }.get(last)
        if hatch is None or (last == "raw" and "." not in name):
            return
        self.report(
            node,
            "modulith.B004",
            f"{name}(...) runs raw SQL ({hatch}), which can read any context's tables.",
            "express the query with the ORM on this context's own models; for another "
            "context's data call its api or keep a copy fed by its events.",
        )

    def database_alias(self, node: ast.Call, last: str, first: str | None) -> None:
        aliases: list[str | None] = []
        if last in {"using", "db_manager", "ContextDatabase"}:
            aliases.append(first)
        aliases += [literal(k.value) for k in node.keywords if k.arg in {"using", "database"}]
        for alias in aliases:
            other = self.foreign(self.owners.of_alias(alias)) if alias else None
            if other is not None:
                self.report(
                    node,
                    "modulith.B006",
                    f"{last}(...) names database {alias!r}, which belongs to context "
                    f"{other.label}.",
                    f"use this context's own alias through {self.context.name}.database "
                    f'(ContextDatabase("{self.context.label}")), never a literal.',
                )

    def signal(self, node: ast.Call, name: str, last: str) -> None:
        parts = name.split(".")
        connected = last in {"connect", "disconnect"} and len(parts) > 1
        signal = parts[-2] if connected else (dotted(node.args[0]) if node.args else "")
        if (connected or last == "receiver") and signal.split(".")[-1] in MODEL_SIGNALS:
            self.report(
                node,
                "modulith.B007",
                f"{name}(...) hooks the model signal {signal.split('.')[-1]}.",
                "call the follow-up explicitly from the service that saves, or publish an "
                "event in its transaction and @subscribe to it.",
            )

    def side_effect(self, node: ast.Call, name: str, last: str) -> None:
        if not self._transaction:
            return
        effect = ""
        if last in BROKER_METHODS:
            effect = "sends a message to the broker"
        elif (
            last in MAIL_FUNCTIONS
            or last == "send_messages"
            or (last == "send" and re.search(r"mail|message", name, re.IGNORECASE))
        ):
            effect = "sends email"
        elif any(name == p or name.startswith(f"{p}.") for p in HTTP_PACKAGES) or last in {
            "urlopen"
        }:
            effect = "makes an HTTP call"
        if effect:
            self.report(
                node,
                "modulith.B013",
                f"{name}(...) {effect} while a transaction is open ({self._transaction}): a "
                "rollback cannot take it back, and it may run before the commit.",
                _ON_COMMIT_FIX,
            )

    # --- names and strings ----------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        owner = self.owners.user_model_owner()
        if node.attr == "AUTH_USER_MODEL" and (owner is None or self.foreign(owner)):
            self.report(
                node,
                "modulith.B003",
                "settings.AUTH_USER_MODEL names the user model outside identity.",
                "store the customer's id (a UUIDField) and ask identity's api for the rest; "
                "authenticate from the JWT principal (request.user).",
            )
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if dotted(node.value).split(".")[-1] == "connections":
            alias = literal(node.slice)
            other = self.foreign(self.owners.of_alias(alias)) if alias else None
            if other is not None:
                self.report(
                    node,
                    "modulith.B006",
                    f"connections[{alias!r}] opens the database of context {other.label}.",
                    "reach another context's data through its api or events.",
                )
            elif not self.source.is_migration:
                self.report(
                    node,
                    "modulith.B004",
                    "connections[...] hands out a raw connection, which can read any "
                    "context's tables.",
                    "use the ORM on this context's models and transaction.atomic(using=...).",
                )
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str) or not SQL_WORDS.search(node.value):
            return
        foreign = {
            table: label
            for table, label in self.owners.tables_in(node.value).items()
            if label != self.context.label
        }
        for table, label in foreign.items():
            self.report(
                node,
                "modulith.B005",
                f"SQL text names table {table}, which belongs to context {label}.",
                f"read {label}'s data through its api, or keep a copy fed by its events.",
            )


def _target(items: list[ast.withitem]) -> ast.expr:
    expression = next(item.context_expr for item in items if _is_atomic(item.context_expr))
    return expression.func if isinstance(expression, ast.Call) else expression


def scan(source: ModuleSource, owners: Owners) -> BoundaryScanner:
    scanner = BoundaryScanner(source, owners)
    scanner.visit(source.tree)
    return scanner
