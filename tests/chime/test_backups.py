"""`manage.py backup` writes an encrypted dump with the audit checkpoint beside it; `manage.py restore` brings it
back into an empty database only. pg_dump sees committed rows only, so these tests are transactional."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from chime import audit
from chime.models import AuditEvent, User
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "test-only-backup-key-not-for-production-0123456789"
ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def backups(settings, tmp_path):
    settings.CHIME_BACKUP_KEY = KEY
    settings.CHIME_BACKUP_DIR = tmp_path / "backups"
    return settings.CHIME_BACKUP_DIR


def _url_for(name: str, variable: str) -> str:
    parts = urlsplit(os.environ.get(variable) or os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest.fixture
def empty_database():
    """A new database on the same server, with no tables; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    owner = _url_for("postgres", "DATABASE_OWNER_URL").replace("postgres://", "postgresql://")
    with psycopg.connect(owner, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(owner, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage_in(database: str, *args: str, key: str = KEY) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url_for(database, "DATABASE_URL"), "CHIME_BACKUP_KEY": key}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def _count(database: str, table: str) -> int:
    with psycopg.connect(
        _url_for(database, "DATABASE_OWNER_URL").replace("postgres://", "postgresql://")
    ) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - a table name of ours


def _back_up(folder: Path) -> tuple[Path, Path]:
    call_command("backup", stdout=io.StringIO())
    (dump,) = folder.glob("*.dump.gpg")
    (checkpoint,) = folder.glob("*.checkpoint.jsonl")
    return dump, checkpoint


def _audited() -> AuditEvent:
    return audit.record(
        AuditEvent.Action.VIEW, object_type="framework", reason=audit.Reason("opened the framework")
    )


def test_a_backup_is_encrypted_and_has_the_audit_checkpoint_beside_it(backups):
    row = _audited()

    dump, checkpoint = _back_up(backups)

    content = dump.read_bytes()
    assert b"PGDMP" not in content  # pg_dump's custom format starts so: only its encrypted form is on disk
    assert b"chime_auditevent" not in content
    assert dump.stat().st_mode & 0o777 == 0o600
    line = json.loads(checkpoint.read_text())
    assert (line["database"], line["row_id"], line["rows"]) == (connection.settings_dict["NAME"], row.pk, 1)


def test_a_backup_without_a_key_is_refused_and_nothing_is_written(backups, settings):
    settings.CHIME_BACKUP_KEY = ""

    with pytest.raises(CommandError) as refused:
        call_command("backup")

    assert str(refused.value) == (
        "CHIME_BACKUP_KEY must be set, at least 32 characters long: it encrypts the backups. Make one with "
        "`python -c 'import secrets; print(secrets.token_hex(32))'` and keep it away from the backups."
    )
    assert not backups.exists()


def test_restore_refuses_a_database_that_already_has_tables(backups):
    _audited()
    dump, _ = _back_up(backups)
    people_before = _count(connection.settings_dict["NAME"], "support_person")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(dump))

    assert str(refused.value) == (
        f"Database {connection.settings_dict['NAME']} already has tables: restore only into an empty database "
        "(create a new one and point DATABASE_URL at it)."
    )
    assert _count(connection.settings_dict["NAME"], "support_person") == people_before


def test_restore_brings_every_row_back_into_an_empty_database_and_its_audit_chain_matches_the_checkpoint(
    backups, empty_database, practitioner
):
    PersonFactory.create_batch(3, practitioner=practitioner)
    _audited()
    dump, checkpoint = _back_up(backups)
    source = connection.settings_dict["NAME"]

    restored = _manage_in(empty_database, "restore", str(dump))

    assert restored.returncode == 0, restored.stderr
    assert f"Restored {dump} into database {empty_database}." in restored.stdout
    for table in ("support_person", "chime_user", "chime_auditevent"):
        assert _count(empty_database, table) == _count(source, table)
    assert _count(empty_database, "chime_auditevent") == AuditEvent.objects.count()
    assert _count(empty_database, "chime_user") == User.objects.count()
    verified = _manage_in(
        empty_database,
        "verify_audit_chain",
        "--checkpoint-file",
        str(checkpoint),
        "--restored-from",
        source,
        "--require-checkpoint",
    )
    assert verified.returncode == 0, verified.stderr
    rows = AuditEvent.objects.count()
    assert verified.stdout.startswith(f"Audit chain intact: {rows} row{'s' if rows != 1 else ''} checked.")


def test_a_backup_cannot_be_restored_with_another_key_and_nothing_is_restored(backups, empty_database):
    _audited()
    dump, _ = _back_up(backups)

    restored = _manage_in(
        empty_database, "restore", str(dump), key="another-key-not-the-one-it-was-made-with-0123"
    )

    assert restored.returncode == 1
    assert (
        "CommandError: The restore failed, and nothing was restored: gpg: decryption failed: Bad session key"
        in (restored.stderr)
    )
    with psycopg.connect(
        _url_for(empty_database, "DATABASE_OWNER_URL").replace("postgres://", "postgresql://")
    ) as db:
        assert db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
