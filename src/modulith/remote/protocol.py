"""What the calling and the serving side agree on: the route, and how exceptions are named."""

from __future__ import annotations

from modulith.remote.registry import ApiFunction

# config/urls.py mounts modulith.remote.urls here.
ROUTE_PREFIX = "internal/api"
# The problem type of a declared exception: /problems/api-exception/<context>.<class name>.
EXCEPTION_PROBLEM_PREFIX = "/problems/api-exception/"
# 422: the request was valid and the function answered with one of its declared exceptions.
EXCEPTION_STATUS = 422


def endpoint(base_url: str, spec: ApiFunction) -> str:
    return f"{base_url.rstrip('/')}/{ROUTE_PREFIX}/{spec.context}/{spec.name}/"


def exception_problem_type(spec: ApiFunction, exception_name: str) -> str:
    return f"{EXCEPTION_PROBLEM_PREFIX}{spec.context}.{exception_name}"
