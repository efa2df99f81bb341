"""Two PostgreSQL roles: the owner migrates; the app serves, and may only read and append audit rows.

pgtrigger's Protect triggers refuse UPDATE and DELETE on audit rows, but they are no barrier on their own: any
connection may set the session variable that `pgtrigger.ignore` sets, and a table's owner may disable or drop its
triggers. The barrier is PostgreSQL's privileges. The app's role (DATABASE_URL) owns no table; on the audit table
it holds SELECT and INSERT only, so it cannot update, delete, truncate, alter or drop it, nor touch its triggers.
The owning role (DATABASE_OWNER_URL) creates and alters the tables: `manage.py migrate` runs as it
(chime/management/commands/migrate.py), and after every migration `grant_app_role` sets what the app's role may do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections, transaction

AUDIT_TABLE = "chime_auditevent"
MIGRATIONS_TABLE = "django_migrations"


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block over a connection as the owning role: migrations, and deliberate tampering in tests.

    The connection is closed on the way in and out, so nothing opened as one role is used as the other; the
    database stays DATABASE_URL's (a test database included). Without DATABASE_OWNER_URL nothing changes.
    Switches the settings of this process's connections: for commands and tests, not a serving process.
    """
    owner = settings.DATABASE_OWNER
    connection = connections[using]
    if owner is None or using != DEFAULT_DB_ALIAS:
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("as_owner() cannot switch database roles inside a transaction.")
    saved = {key: connection.settings_dict[key] for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def grant_app_role(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Give the app's role exactly its privileges on every table and sequence; run by the owner after migrate.

    Every table: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE, REFERENCES or TRIGGER); every sequence: USAGE and
    SELECT. Then the audit table loses UPDATE and DELETE, and the migrations record becomes read-only. All of it in
    one transaction, so the app never sees a moment without its privileges. Returns whether anything was granted.
    """
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        current_user, schema = cursor.fetchone()
        if settings.DATABASE_OWNER is None or not role or current_user == role:
            return False
        app, schema = connection.ops.quote_name(role), connection.ops.quote_name(schema)
        for statement in (
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
            f"REVOKE UPDATE, DELETE ON {AUDIT_TABLE} FROM {app}",
            f"REVOKE INSERT, UPDATE, DELETE ON {MIGRATIONS_TABLE} FROM {app}",
        ):
            cursor.execute(statement)
    return True


@checks.register(checks.Tags.security, deploy=True)
def check_owner_role(**kwargs: object) -> list[checks.CheckMessage]:
    """Warn when the app's own role would own the tables, and so could alter or empty the audit trail."""
    owner, app = settings.DATABASE_OWNER, settings.DATABASE_APP_ROLE
    if owner is not None and owner["USER"] and app and owner["USER"] != app:
        return []
    return [
        checks.Warning(
            "DATABASE_OWNER_URL is not set, or does not name a role other than DATABASE_URL's: the app's own "
            "database role then owns the tables and could change, empty or switch off the audit trail.",
            hint="Create an owning role for migrations and a separate role for the app (README, Production).",
            id="chime.W001",
        )
    ]
