"""One error format for every 4xx and 5xx answer: application/problem+json (RFC 9457).

Every error leaves the process through one of three doors, and each builds its body here:

- DRF views: `problem_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]);
- everything Django answers itself (unknown routes, errors outside DRF, uncaught exceptions):
  the handler400/403/404/500 views that config.urls points at, and `csrf_failure`;
- before any view runs: `ProblemMiddleware` refuses oversized bodies with 413, and on the way
  out turns any other error answer of an API path into a problem (the bare 405 of plain Django
  views, and under DEBUG Django's HTML debug pages for unknown routes and uncaught exceptions);
- `SlashMiddleware` (Django's CommonMiddleware) answers a POST to a URL missing its trailing
  slash with a 404 problem naming the right URL, where Django would raise (DEBUG) or redirect
  and lose the body.

The one exception is the admin: its pages are read by people in a browser, so Django's error
views answer them with HTML pages; `answers_html` is the single place that decides.

A problem is `{"type", "title", "status", "detail"}`; a validation failure adds `errors`, a list
of `{"field", "message", "code"}` where `field` is a path such as `lines[0].sku` (or
`non_field_errors`). Problems that only restate an HTTP status use the type `about:blank` and the
status phrase as title; problems with extra members have a type of their own under `/problems/`.
docs/decisions/0002-problem-details-error-format.md records why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.common import CommonMiddleware
from django.urls import NoReverseMatch, reverse
from django.views import csrf as django_csrf
from django.views import defaults as django_defaults
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# Problem types. `about:blank` means "nothing beyond the HTTP status" (RFC 9457 section 4.2.1).
BLANK = "about:blank"
VALIDATION_ERROR = "/problems/validation-error"
UNPROCESSABLE_INPUT = "/problems/unprocessable-input"
NON_FIELD_ERRORS = "non_field_errors"

# RFC 9110 renamed a few phrases that Python 3.11's HTTPStatus still spells the old way.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}

# Headers that belong to the error itself and must survive the rewrite into a problem.
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def status_title(status: int) -> str:
    """The HTTP status phrase: the title of an `about:blank` problem."""
    if status in _TITLES:
        return _TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    detail: str,
    *,
    problem_type: str = BLANK,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JsonResponse:
    """An application/problem+json response. `extensions` become extra members of the body."""
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title or status_title(status),
        "status": status,
        "detail": detail,
        **extensions,
    }
    return JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=dict(headers or {}),
        json_dumps_params={"ensure_ascii": False},
    )


class ProblemError(exceptions.APIException):
    """Raise from a view to answer with a problem type of your own.

        raise ProblemError(
            status=409,
            problem_type="/problems/out-of-stock",
            title="Out of stock",
            detail="Only 2 of SKU-1 are left.",
            sku="SKU-1",
        )

    Keep domain exceptions free of HTTP (define them beside the function that raises them) and
    translate them into a ProblemError in the view.
    """

    def __init__(
        self, *, status: int, problem_type: str, title: str, detail: str, **extensions: Any
    ) -> None:
        super().__init__(detail=detail)
        self.status_code = status
        self.problem_type = problem_type
        self.title = title
        self.extensions = extensions


# --- Validation errors --------------------------------------------------------------------------


def validation_errors(detail: Any) -> list[dict[str, str]]:
    """Flatten DRF's nested error structure into `{"field", "message", "code"}` items.

    `{"lines": [{}, {"sku": ["Required."]}]}` becomes one item with field `lines[1].sku`;
    ListField and DictField errors (dicts keyed by index or key) flatten the same way. Errors
    that belong to no field are reported under `non_field_errors` at the top level and under
    the path of the object they belong to when nested.
    """
    return [
        {"field": path or NON_FIELD_ERRORS, "message": str(message), "code": _code_of(message)}
        for path, message in _walk(detail, "")
    ]


def _walk(detail: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            yield from _walk(value, _child_path(path, key))
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, Mapping | list | tuple):
                # Nested serializers (many=True) report one entry per item, {} when valid.
                yield from _walk(item, f"{path}[{index}]")
            else:
                yield path, item
    else:
        yield path, detail


def _child_path(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS):
        return path
    return f"{path}.{key}" if path else str(key)


def _code_of(message: Any) -> str:
    return str(getattr(message, "code", None) or "invalid")


class Unprocessable(exceptions.ValidationError):
    """Input the schema allows that a rule beyond any schema refuses: a sku the catalog does not
    have, a card token the provider does not know, a common password. Answered 422 with the same
    `errors` as a validation problem, so that 400 keeps meaning "the schema forbids this"; every
    operation that raises it documents its 422 and why.
    """

    status_code = 422


def validation_problem(detail: Any, *, status: int = 400) -> JsonResponse:
    errors = validation_errors(detail)
    count = len(errors)
    plural = "s" if count != 1 else ""
    if status == Unprocessable.status_code:
        return problem_response(
            status,
            f"The request has {count} value{plural} the server cannot accept; see errors.",
            problem_type=UNPROCESSABLE_INPUT,
            title="Unprocessable input",
            errors=errors,
        )
    return problem_response(
        status,
        f"The request has {count} invalid value{plural}; see errors.",
        problem_type=VALIDATION_ERROR,
        title="Invalid request",
        errors=errors,
    )


def validation_error(
    errors: Iterable[tuple[Sequence[str | int], str, str]],
) -> exceptions.ValidationError:
    """A DRF ValidationError from `(path, message, code)` triples, for checks past the serializer.

        raise validation_error([(("lines", 0, "sku"), "No product has sku 'X'.", "unknown_sku")])

    answers a validation problem with field `lines[0].sku`; an empty path means no single field.
    """
    tree: dict[Any, Any] = {}
    for path, message, code in errors:
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        node.setdefault(NON_FIELD_ERRORS, []).append(ErrorDetail(message, code=code))
    return exceptions.ValidationError(tree)


# --- DRF ----------------------------------------------------------------------------------------


def problem_exception_handler(exc: Exception, context: Mapping[str, Any]) -> HttpResponse | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error a DRF view raises, as a problem.

    Returns None for exceptions that are not client errors, so that Django logs them with their
    traceback and answers through handler500 (a problem too; the debug page under DEBUG).
    """
    if isinstance(exc, RequestDataTooBig):
        return request_too_large()
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return validation_problem(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None

    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return validation_problem(exc.detail, status=exc.status_code)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(exc.auth_header)  # type: ignore[attr-defined]
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, ProblemError):
        return problem_response(
            exc.status_code,
            str(exc.detail),
            problem_type=exc.problem_type,
            title=exc.title,
            headers=headers,
            **exc.extensions,
        )
    return problem_response(exc.status_code, _detail_text(exc.detail), headers=headers)


def _detail_text(detail: Any) -> str:
    # Some libraries (simplejwt's InvalidToken) put a dict with a "detail" key in `detail`.
    if isinstance(detail, Mapping):
        return str(detail.get("detail", "")) or "The request failed."
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail)
    return str(detail)


# --- Django's error views (config.urls: handler400/403/404/500) ---------------------------------


def answers_html(request: HttpRequest) -> bool:
    """Whether an error on this request is shown as an HTML page rather than a problem.

    Only the admin's pages (the operations view included) are for people in a browser; every
    other URL, unknown ones too, belongs to the API and its clients.
    """
    try:
        admin_root = reverse("admin:index")
    except NoReverseMatch:
        return False
    return request.path.startswith(admin_root)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django answers RequestDataTooBig (a SuspiciousOperation) with handler400; it is a 413.
    if isinstance(exception, RequestDataTooBig):
        return request_too_large()
    if answers_html(request):
        return django_defaults.bad_request(request, exception or Exception())
    return problem_response(400, "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if answers_html(request):
        return django_defaults.permission_denied(request, exception or Exception())
    return problem_response(403, "You do not have permission to perform this action.")


NOT_FOUND_DETAIL = "No resource is served at this URL."
SERVER_ERROR_DETAIL = (
    "The server failed to complete the request. Quote the X-Correlation-ID response header "
    "when you report it."
)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if answers_html(request):
        return django_defaults.page_not_found(request, exception or Http404())
    # Never echo the exception: outside DRF it lists the URL patterns that were tried.
    return problem_response(404, NOT_FOUND_DETAIL)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django has already logged the exception with its traceback (logger django.request).
    if answers_html(request):
        return django_defaults.server_error(request)
    return problem_response(500, SERVER_ERROR_DETAIL)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW. Only session-authenticated forms (the admin) use CSRF."""
    if answers_html(request):
        return django_csrf.csrf_failure(request, reason)
    return problem_response(403, f"CSRF verification failed. {reason}".strip())


def request_too_large() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(413, f"The request body is larger than the limit of {limit} bytes.")


# --- Middleware ---------------------------------------------------------------------------------


class ProblemMiddleware:
    """Errors that happen outside any view's exception handling.

    - Refuses a body whose Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE with a 413
      problem before anything reads it. Django enforces that limit only when `request.body` or
      `request.POST` is read; DRF's parsers read the stream and would not.
    - Rewrites every other error answer of an API path that is not a problem yet into one,
      keeping the Allow, WWW-Authenticate and Retry-After headers: the bare 405 that plain
      Django views answer, and under DEBUG Django's HTML pages for an unknown route (404) or an
      uncaught exception (500, already logged with its traceback).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _declared_length(request)
        if limit is not None and length > limit:
            logger.warning(
                "refused a %d-byte body on %s %s (limit %d)",
                length,
                request.method,
                request.path,
                limit,
            )
            return request_too_large()
        response = self.get_response(request)
        if response.status_code >= 400 and not answers_html(request) and not _is_problem(response):
            return _rewrite_as_problem(response, _REWRITTEN_DETAILS.get(response.status_code, ""))
        return response


_REWRITTEN_DETAILS = {
    404: NOT_FOUND_DETAIL,
    405: "This method is not allowed on this resource.",
    500: SERVER_ERROR_DETAIL,
}


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_problem(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith(PROBLEM_CONTENT_TYPE)


def _rewrite_as_problem(response: HttpResponseBase, detail: str) -> HttpResponse:
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    status = response.status_code
    return problem_response(
        status, detail or f"The request failed: {status_title(status)}.", headers=headers
    )


class SlashMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, minus the redirect of a body-carrying request.

    APPEND_SLASH redirects `GET /api/orders` to `/api/orders/`. A POST (PUT, PATCH, DELETE)
    cannot follow a redirect without losing its body: Django raises a RuntimeError for it under
    DEBUG (a 500) and redirects otherwise. Here it is a 404 problem that names the right URL.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            response.status_code == 404
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and self.should_redirect_with_slash(request)
        ):
            return problem_response(
                404,
                f"No resource is served at {request.path}; send the request to "
                f"{request.path}/ (with the trailing slash).",
            )
        return super().process_response(request, response)
