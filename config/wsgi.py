import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from config.startup import configuration_problem

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# gunicorn's code for "the worker failed to boot": it stops, instead of starting the worker again.
WORKER_BOOT_ERROR = 3

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    problem = configuration_problem(error)
    if problem is None:
        raise
    print(f"gunicorn: {problem}", file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)

# Before serving: the other services' key sets, so that verifying their calls never waits on
# them (see modulith.remote.credentials).
from modulith.remote.credentials import prefetch_peer_key_sets  # noqa: E402  (needs Django set up)

prefetch_peer_key_sets()
