"""The default database and the databases of contexts that have their own."""

from __future__ import annotations

from pathlib import Path

from config.settings.environment import VAR_DIR, env


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


DATABASES = {
    "default": _database(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR}/db.sqlite3"))
}

# Contexts that own a database of their own: "payments=postgres:///shop_payments,...".
CONTEXT_DATABASES: dict[str, str] = env.dict("CONTEXT_DATABASES", default={})
for _context, _url in CONTEXT_DATABASES.items():
    DATABASES[_context] = _database(_url)

DATABASE_ROUTERS = ["modulith.routing.ContextDatabaseRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
