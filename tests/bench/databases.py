"""Benchmark databases on the project's embedded PostgreSQL, beside (never instead of) the demo database.

`python tests/bench/databases.py NAME -- COMMAND ...` starts (or joins) the embedded server, makes sure database NAME
exists, and runs COMMAND with DATABASE_URL pointing at it. The server stays up while COMMAND runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def database_url(name: str) -> str:
    """DATABASE_URL for database `name`, created if missing, on the running or started embedded server.

    The database is created by the owning role (DATABASE_OWNER_URL), which the commands run with it inherit, so
    their `migrate` runs as the owner and the app as DATABASE_URL's role, as in production."""
    if not os.environ.get("DATABASE_URL"):
        from chime.db import start_embedded

        os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = start_embedded(ROOT / ".pgdata")
    import psycopg

    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            db.execute(f'CREATE DATABASE "{name}"')
    return _with_name(os.environ["DATABASE_URL"], name)


def owner_url(name: str) -> str:
    """A psycopg URL for database `name` as the owning role (or the app's, where no owner is configured)."""
    owner = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    return _with_name(owner, name).replace("postgres://", "postgresql://")


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


if __name__ == "__main__":
    name, separator, *command = sys.argv[1:]
    assert separator == "--", "usage: databases.py NAME -- COMMAND ..."  # noqa: S101 - a developer tool
    url = database_url(name)
    sys.exit(subprocess.call(command, env={**os.environ, "DATABASE_URL": url}))  # noqa: S603
