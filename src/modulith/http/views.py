"""The view shapes the contexts repeat, written once: a scoped list, a scoped detail, and a state
transition of one row.

A context's view subclasses one of them, names its selector or service and its output
serializer, and describes the operation with `extend_schema_view`:

    @extend_schema_view(get=extend_schema(operation_id="payments_list", ...))
    class PaymentListView(ScopedListView):
        output = PaymentOutput
        rows = selectors.payment_list

A view that only answers POST, as a transition does, may be described with `post_operation`
instead: its id and summary, and its docstring as its description.

The views stay thin (rule 9): one call into a selector or service, the errors it declares mapped
to problems, the result serialized.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from modulith.http.authentication import request_principal
from modulith.http.pagination import BoundedLimitOffsetPagination, paginated_response
from modulith.http.permissions import IsStaff
from modulith.http.problems import ProblemError
from modulith.http.representation import represent
from modulith.http.schema import extend_schema, extend_schema_view
from modulith.http.scope import Scope

T = TypeVar("T")


class RowView(APIView):
    """One row named by the URL. `lookup_url_kwarg` is the URL's keyword and also the keyword
    the selector or service takes (`shipment_id`, `sku`), so a view only names the function."""

    lookup_url_kwarg: ClassVar[str]
    output: ClassVar[type[Serializer[Any]]]
    not_found: ClassVar[type[Exception]] = LookupError
    # None: the exception's own message (it names the row the caller asked for).
    not_found_detail: ClassVar[str | None] = None

    def row_key(self) -> dict[str, Any]:
        return {self.lookup_url_kwarg: self.kwargs[self.lookup_url_kwarg]}

    def answer(self, load: Callable[[], Any]) -> Response:
        """200 with the row `load` returns; 404 when it raises `not_found`."""
        return Response(represent(self.output, self.found(load)))

    def answer_rendered(self, load: Callable[[], dict[str, Any]]) -> Response:
        """200 with the body `load` returns already rendered (e.g. from a cache of `output`'s
        renderings); 404 when it raises `not_found`."""
        return Response(self.found(load))

    def found(self, load: Callable[[], T]) -> T:
        """What `load` returns; a 404 problem when it raises `not_found`."""
        try:
            return load()
        except self.not_found as missing:
            raise NotFound(self.not_found_detail or str(missing)) from missing


class ScopedListView(APIView):
    """GET: one page of the rows the caller may see (their own; staff: everybody's).

    `rows` is the selector, called as `rows(scope=...)`; a plain function assigned in the class
    body (`rows = selectors.payment_list`) is read off the class, so it is never bound.
    """

    permission_classes: list[type[BasePermission]] = [IsAuthenticated]
    pagination_class = BoundedLimitOffsetPagination
    output: ClassVar[type[Serializer[Any]]]
    rows: ClassVar[Callable[..., QuerySet[Any]]]

    def get(self, request: Request) -> Response:
        rows = type(self).rows(scope=Scope.of(request_principal(request)))
        return paginated_response(view=self, items=rows, output=self.output)


class ScopedDetailView(RowView):
    """GET: one row the caller may see; somebody else's answers 404 like a missing one.

    `row` is the selector, called as `row(<lookup_url_kwarg>=..., scope=...)`.
    """

    permission_classes: list[type[BasePermission]] = [IsAuthenticated]
    row: ClassVar[Callable[..., Any]]

    def get(self, request: Request, **kwargs: Any) -> Response:
        scope = Scope.of(request_principal(request))
        return self.answer(lambda: type(self).row(**self.row_key(), scope=scope))


class _NeverRaised(Exception):
    """The default `conflict` of a transition that every state allows."""


class TransitionView(RowView):
    """POST, no body: move one row to its next state, staff only unless a subclass says
    otherwise. 200 with the row; 404 when it does not exist; when its state does not allow the
    move (the service raises `conflict`), the problem `conflict_problem` builds, a 409.

    `transition` is the service, called as `transition(<lookup_url_kwarg>=...)`; with `scoped`,
    also with `scope=` the caller's Scope (a customer moves their own rows, staff anybody's).
    """

    permission_classes: list[type[BasePermission]] = [IsStaff]
    transition: ClassVar[Callable[..., Any]]
    scoped: ClassVar[bool] = False
    conflict: ClassVar[type[Exception]] = _NeverRaised
    conflict_problem: ClassVar[Callable[[Any], ProblemError]]

    def post(self, request: Request, **kwargs: Any) -> Response:
        arguments = self.row_key()
        if self.scoped:
            arguments["scope"] = Scope.of(request_principal(request))
        try:
            return self.answer(lambda: type(self).transition(**arguments))
        except self.conflict as refused:
            raise type(self).conflict_problem(refused) from refused


def post_operation(operation_id: str, summary: str, **schema: Any) -> Callable[[type[T]], type[T]]:
    """Describe a view's POST in the OpenAPI document: `operation_id`, `summary`, and the rest of
    `extend_schema`'s arguments in `schema` (what a context's transitions have in common). The
    description is the view's docstring, which drf-spectacular takes when none is given."""
    return extend_schema_view(
        post=extend_schema(operation_id=operation_id, summary=summary, **schema)
    )
