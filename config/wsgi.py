import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Before serving: the other services' key sets, so that verifying their calls never waits on
# them (see modulith.remote.credentials).
from modulith.remote.credentials import prefetch_peer_key_sets  # noqa: E402  (needs Django set up)

prefetch_peer_key_sets()
