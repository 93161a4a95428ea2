"""Django's messages framework, set up only for the requests that use it.

Django's MessageMiddleware builds the message storage for every request before the view runs:
a cookie storage with its signer (the signing backend looked up, the secret keys prepared) and
a session storage behind it. Only the admin's pages add or show messages; an API request never
does, and paid that set-up each time. LazyMessageMiddleware builds the storage the first time
a request touches it (`messages.add_message`, `get_messages`, the template context processor);
a request that never did has neither added nor read a message, so storing them would have done
nothing, and nothing is done.
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    """MessageMiddleware whose storage is made on first use (a subclass: the admin's system
    check asks for MessageMiddleware)."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not_made_yet(getattr(request, "_messages", None)):
            return response
        return super().process_response(request, response)


def not_made_yet(storage: object) -> bool:
    """Whether `storage` is a lazy storage nobody has touched."""
    return isinstance(storage, SimpleLazyObject) and storage._wrapped is empty
