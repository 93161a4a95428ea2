"""Where this process runs in the deployment: SHOP_TOPOLOGY names a file under config/topologies/,
SHOP_SERVICE the service of that file this process is. The database, the remote api URLs, the
event transports and Celery's queues below are derived from them, never configured by hand.

A wrong or incomplete topology stops the process here, at start-up, with what to fix.
"""

from __future__ import annotations

from config.settings.applications import CONTEXT_APPS, INSTALLED_APPS, KERNEL_TEST_APPS
from config.settings.environment import BASE_DIR, env
from modulith.topology.model import load_topology
from modulith.topology.placement import place

TOPOLOGY_DIR = BASE_DIR / "config" / "topologies"
SHOP_TOPOLOGY = env.str("SHOP_TOPOLOGY", default="monolith")
_TOPOLOGY = load_topology(SHOP_TOPOLOGY, TOPOLOGY_DIR)
SHOP_SERVICE = _TOPOLOGY.service_for_process(env.str("SHOP_SERVICE", default="")).name

# Context labels are the last part of their app's name (ContextConfig keeps Django's default);
# the topology app checks this against the app registry once Django has started.
_INSTALLED_CONTEXTS = [
    app.rsplit(".", 1)[-1]
    for app in [*CONTEXT_APPS, *(a for a in KERNEL_TEST_APPS if a in INSTALLED_APPS)]
]
# The service hosting identity is the home: Django's user-related apps, the admin, the beat
# schedule and every path outside /api/<context>/ live there.
TOPOLOGY_HOME_CONTEXT = "identity"
TOPOLOGY_PLACEMENT = place(_TOPOLOGY, _INSTALLED_CONTEXTS, home_context=TOPOLOGY_HOME_CONTEXT)
TOPOLOGY_SERVICE = TOPOLOGY_PLACEMENT.view(SHOP_SERVICE)
