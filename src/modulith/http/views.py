"""The view shapes the contexts repeat, written once: a scoped list, a scoped detail, and a state
transition of one row.

A context's view subclasses one of them, names its selector or service in one method and its
output serializer, and describes the operation with `extend_schema_view`:

    @extend_schema_view(get=extend_schema(operation_id="payments_list", ...))
    class PaymentListView(ScopedListView):
        output = PaymentOutput

        def rows(self, scope: Scope) -> QuerySet[Payment]:
            return selectors.payment_list(scope=scope)

The views stay thin (rule 9): one call into a selector or service, the errors it declares mapped
to problems, the result serialized.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

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
from modulith.http.scope import Scope


class RowView(APIView):
    """One row named by the URL: the id's keyword, the output, and what "not found" says."""

    lookup_url_kwarg: ClassVar[str]
    output: ClassVar[type[Serializer[Any]]]
    not_found: ClassVar[type[Exception]] = LookupError
    # None: the exception's own message (it names the row the caller asked for).
    not_found_detail: ClassVar[str | None] = None

    def row_id(self) -> Any:
        return self.kwargs[self.lookup_url_kwarg]

    def answer(self, load: Callable[[], Any]) -> Response:
        """200 with the row `load` returns; 404 when it raises `not_found`."""
        try:
            row = load()
        except self.not_found as missing:
            raise NotFound(self.not_found_detail or str(missing)) from missing
        return Response(represent(self.output, row))


class ScopedListView(APIView):
    """GET: one page of the rows the caller may see (their own; staff: everybody's)."""

    permission_classes: list[type[BasePermission]] = [IsAuthenticated]
    pagination_class = BoundedLimitOffsetPagination
    output: ClassVar[type[Serializer[Any]]]

    def rows(self, scope: Scope) -> QuerySet[Any]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        rows = self.rows(Scope.of(request_principal(request)))
        return paginated_response(view=self, items=rows, output=self.output)


class ScopedDetailView(RowView):
    """GET: one row the caller may see; somebody else's answers 404 like a missing one."""

    permission_classes: list[type[BasePermission]] = [IsAuthenticated]

    def row(self, row_id: Any, scope: Scope) -> Any:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any) -> Response:
        scope = Scope.of(request_principal(request))
        return self.answer(lambda: self.row(self.row_id(), scope))


class _NeverRaised(Exception):
    """The default `conflict` of a transition that every state allows."""


class TransitionView(RowView):
    """POST, no body: move one row to its next state (staff only unless a subclass says
    otherwise). 200 with the row; 404 when it does not exist; when its state does not allow the
    move, the problem (a 409) that `conflict_problem` builds from the `conflict` raised."""

    permission_classes: list[type[BasePermission]] = [IsStaff]
    conflict: ClassVar[type[Exception]] = _NeverRaised

    def transition(self, row_id: Any) -> Any:
        raise NotImplementedError

    def conflict_problem(self, conflict: Exception) -> ProblemError:
        raise NotImplementedError

    def post(self, request: Request, **kwargs: Any) -> Response:
        try:
            return self.answer(lambda: self.transition(self.row_id()))
        except self.conflict as refused:
            raise self.conflict_problem(refused) from refused
