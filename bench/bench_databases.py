"""The PostgreSQL databases the benchmarks run on, created when missing."""

from __future__ import annotations

import sys


def ensure_database(url: str) -> None:
    """Create the database `url` names if it does not exist (PostgreSQL only)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    if not config["ENGINE"].endswith("postgresql"):
        sys.exit(f"The benchmark runs on PostgreSQL, not {url}: pass a postgres:// URL.")
    admin = (
        f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} "
        f"user={config['USER'] or 'postgres'} dbname=postgres"
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
