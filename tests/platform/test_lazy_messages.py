"""modulith.http.messages: the message storage is made only for the requests that use it, and
what reaches the client is what Django's own MessageMiddleware sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from modulith.http import messages as lazy_messages
from modulith.http.messages import LazyMessageMiddleware

View = Callable[[HttpRequest], HttpResponse]


def untouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse("no messages here")


def adds_one(request: HttpRequest) -> HttpResponse:
    messages.success(request, "The product was saved.")
    return HttpResponse("added")


def shows_them(request: HttpRequest) -> HttpResponse:
    return HttpResponse(" | ".join(str(message) for message in messages.get_messages(request)))


def served(middleware: type[MessageMiddleware], view: View, cookie: str = "") -> HttpResponse:
    """`view` behind the session middleware and `middleware`, as in config/settings."""
    request = RequestFactory().get("/admin/")
    if cookie:
        request.COOKIES["messages"] = cookie
    return SessionMiddleware(middleware(view))(request)  # type: ignore[arg-type, return-value]


def seen_by_the_client(response: HttpResponse) -> tuple[bytes, dict[str, str], str]:
    return response.content, dict(response.items()), response.cookies.output()


@pytest.mark.parametrize("view", [untouched, adds_one, shows_them], ids=lambda view: view.__name__)
@pytest.mark.parametrize("incoming", ["", "with a message cookie"])
def test_the_client_sees_what_djangos_message_middleware_sends(view: View, incoming: str) -> None:
    cookie = ""
    if incoming:
        cookie = served(MessageMiddleware, adds_one).cookies["messages"].value

    lazy = served(LazyMessageMiddleware, view, cookie)
    eager = served(MessageMiddleware, view, cookie)

    assert seen_by_the_client(lazy) == seen_by_the_client(eager)


def test_a_request_that_never_touches_messages_makes_no_storage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[HttpRequest] = []
    real = lazy_messages.default_storage

    def counting(request: HttpRequest) -> object:
        made.append(request)
        return real(request)

    monkeypatch.setattr(lazy_messages, "default_storage", counting)

    served(LazyMessageMiddleware, untouched)
    assert made == []
    served(LazyMessageMiddleware, adds_one)
    assert len(made) == 1
