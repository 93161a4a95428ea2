"""A configuration error at start-up, said in one line by every entry point.

manage.py, gunicorn (config.wsgi) and Celery (config.celery) load the settings; when a variable
they need is missing or the topology cannot run, the operator gets the one line that says what to
fix, not a traceback through the server's internals.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def configuration_problem(error: ImproperlyConfigured) -> str | None:
    """What to tell the operator about `error`; None for an error that is not theirs to fix
    (a bug, which deserves its traceback)."""
    from modulith.topology.model import TopologyError

    if getattr(error, "variable", None) or isinstance(error, TopologyError):
        return str(error)
    return None
