"""The database of this process's service: the `default` alias, from the variable the topology
names (DATABASE_URL for the monolith and for the service hosting identity)."""

from __future__ import annotations

from pathlib import Path

from config.settings.environment import VAR_DIR, MissingVariable, env
from config.settings.topology import SHOP_SERVICE, SHOP_TOPOLOGY, TOPOLOGY_SERVICE


def _database(url: str) -> dict:
    """One DATABASES entry from a URL, tuned for the engine behind it."""
    config = env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
            # queue instead of failing half-way ("database is locked").
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory, so worker processes started by tests share the test database.
        config["TEST"] = {"NAME": str(Path(config["NAME"]).with_suffix(".test.sqlite3"))}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Keep connections open across requests: opening one per request costs ~6x throughput.
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


_DATABASE_VARIABLE = TOPOLOGY_SERVICE.service.database
if _DATABASE_VARIABLE == "DATABASE_URL":
    # Development default: SQLite under var/ (`make run`).
    _DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR}/db.sqlite3")
else:
    _DATABASE_URL = env.str(_DATABASE_VARIABLE, default="")
    if not _DATABASE_URL:
        raise MissingVariable(
            _DATABASE_VARIABLE,
            f"service {SHOP_SERVICE!r} of topology {SHOP_TOPOLOGY!r} keeps its tables in that "
            "database (postgres://user:password@host:5432/name).",
        )
# Contexts hosted by other services have no database here (modulith.topology.guard).
DATABASES = {"default": _database(_DATABASE_URL)}

DATABASE_ROUTERS = ["modulith.topology.guard.TopologyRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
