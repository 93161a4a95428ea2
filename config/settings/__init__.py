"""Settings for every topology, read from the environment only (12-factor).

One module per concern, composed here in reading order; a module may use what the modules above
it define, never what comes below. Every variable they read is listed, with its default, in the
README's configuration table.
"""

# ruff: noqa: I001  (reading order, not alphabetical order)
from config.settings.environment import *  # noqa: F403
from config.settings.applications import *  # noqa: F403
from config.settings.topology import *  # noqa: F403
from config.settings.databases import *  # noqa: F403
from config.settings.cache import *  # noqa: F403
from config.settings.authentication import *  # noqa: F403
from config.settings.rest import *  # noqa: F403
from config.settings.events import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.email import *  # noqa: F403
from config.settings.static import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.logging import *  # noqa: F403
from config.settings.operations import *  # noqa: F403
from config.settings.contexts import *  # noqa: F403
from config.settings.static import STATIC_ROOT

# Loading the settings has one side effect, done last: the run-time directories they name, var/
# (the development SQLite database) and var/static/ (which WhiteNoise expects to exist).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
