"""Settings of the two-database drill (two_databases.py): the shop's, plus a second database alias
for the `remote` test context.

A topology gives each service exactly one database, so no deployment configures this any more;
the kernel still routes each context to `ContextConfig.database_alias`, which this drill checks
across two real databases.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES, MODULITH
from config.settings.databases import _database

DATABASES["remote"] = _database(os.environ["TWO_DATABASES_REMOTE_URL"])
MODULITH = {**MODULITH, "CONTEXT_DATABASES": {"remote": "remote"}}
