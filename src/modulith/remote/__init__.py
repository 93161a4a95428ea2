"""A context's api, called in-process or over HTTP, chosen by configuration.

Each public function of a context's api.py is marked `@api_function`. While the context runs in
this process the mark costs one dict lookup per call. Once CONTEXT_REMOTES names the context
(`catalog=http://catalog:8000`), the same call becomes `POST <url>/internal/api/<context>/<name>/`
with a service token, timeouts and a circuit breaker shared by every process; the arguments,
the result and the exceptions the api module declares travel as JSON, encoded with pydantic from
the function's type hints. The process that runs the context serves that route
(`modulith.remote.urls`). docs/decisions/0009-remote-context-apis.md records the choices.

    from modulith.remote import api_function

    @api_function
    def get_products(*, skus: Collection[str]) -> dict[str, ProductDTO]: ...
"""

from __future__ import annotations

from modulith.remote.errors import RemoteApiUnavailable, RemoteCallInTransaction
from modulith.remote.functions import api_function

__all__ = ["RemoteApiUnavailable", "RemoteCallInTransaction", "api_function"]
