"""The app's database role can read and append audit rows, and nothing else: PostgreSQL's privileges, not triggers.

pgtrigger's Protect triggers can be skipped by any connection that sets `pgtrigger.ignore`, and a table's owner can
switch triggers off. So these tests run over the app's own connection (the suite runs as DATABASE_URL's role) and
expect PostgreSQL's own refusal: psycopg's InsufficientPrivilege, which Django raises as ProgrammingError.
"""

from __future__ import annotations

import pgtrigger
import psycopg
import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction

from chime import audit, dbroles
from chime.models import AuditEvent

NOT_PERMITTED = "permission denied for table chime_auditevent"
NOT_OWNER = "must be owner of table chime_auditevent"


def _refused(sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege)
    return refused.value


def _one(sql: str, params: list[object] | None = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def one_row(db) -> AuditEvent:
    return audit.record("view", object_type="test", object_id=1)


def test_the_suite_runs_as_the_apps_role_which_is_no_superuser(db):
    assert _one("SELECT current_user") == settings.DATABASE_APP_ROLE == "chime_app"
    assert (
        _one("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        is False
    )
    assert _one("SELECT tableowner FROM pg_tables WHERE tablename = 'chime_auditevent'") == "postgres"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE chime_auditevent SET reason = 'nothing to see here'",
        "DELETE FROM chime_auditevent",
        "TRUNCATE chime_auditevent",
    ],
)
def test_the_apps_connection_cannot_change_delete_or_truncate_audit_rows(one_row, statement):
    assert str(_refused(statement)) == NOT_PERMITTED
    assert AuditEvent.objects.get().hash == one_row.hash


def test_ignoring_the_trigger_does_not_let_the_apps_connection_change_a_row(one_row):
    # pgtrigger.ignore sets pgtrigger.ignore for the transaction (SET LOCAL), which switches the trigger off...
    with (
        pgtrigger.ignore("chime.AuditEvent:audit_rows_cannot_change"),
        pytest.raises(ProgrammingError) as refused,
        transaction.atomic(),
    ):
        AuditEvent.objects.filter(pk=one_row.pk).update(reason="nothing to see here")
    # ...but PostgreSQL checks the privilege first, and the app's role has none.
    assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege)
    assert str(refused.value) == NOT_PERMITTED
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE chime_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE chime_auditevent DISABLE TRIGGER USER",
        "ALTER TABLE chime_auditevent OWNER TO chime_app",
        "DROP TABLE chime_auditevent",
    ],
)
def test_the_apps_connection_cannot_switch_off_the_triggers_or_alter_the_table(one_row, statement):
    assert str(_refused(statement)) == NOT_OWNER


def test_the_apps_connection_cannot_drop_the_audit_triggers(one_row):
    names = [
        row[0]
        for row in _all(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'chime_auditevent'::regclass AND NOT tgisinternal"
        )
    ]
    assert len(names) == 2
    for name in names:
        assert (
            str(_refused(f'DROP TRIGGER "{name}" ON chime_auditevent'))
            == "must be owner of relation chime_auditevent"
        )


def _all(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_the_apps_connection_cannot_add_a_trigger_or_skip_triggers_by_replication_role(one_row):
    assert str(_refused("SET session_replication_role = replica")) == (
        'permission denied to set parameter "session_replication_role"'
    )
    assert (
        str(
            _refused(
                "CREATE TRIGGER sneaky BEFORE INSERT ON chime_auditevent EXECUTE FUNCTION suppress_redundant_updates_trigger()"
            )
        )
        == NOT_PERMITTED
    )


def test_the_apps_connection_cannot_become_the_owner_or_grant_itself_more(one_row):
    assert str(_refused("SET ROLE postgres")) == 'permission denied to set role "postgres"'
    with connection.cursor() as cursor:
        cursor.execute(
            "GRANT UPDATE, DELETE, TRUNCATE ON chime_auditevent TO chime_app"
        )  # a warning: no effect
    assert str(_refused("UPDATE chime_auditevent SET reason = 'x'")) == NOT_PERMITTED


def test_the_apps_connection_still_appends_and_reads_audit_rows(one_row):
    second = audit.record("view", object_type="test", object_id=2)
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [one_row.pk, second.pk]
    assert audit.verify_chain().ok


def test_the_apps_connection_can_read_but_not_write_the_migrations_record(db):
    assert _one("SELECT count(*) > 0 FROM django_migrations") is True
    assert str(_refused("DELETE FROM django_migrations")) == "permission denied for table django_migrations"


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_leaves_the_app_exactly_its_privileges():
    call_command("migrate", verbosity=0)
    assert _one("SELECT current_user") == "chime_app"  # back to the app's role afterwards
    privileges = {
        privilege: _one("SELECT has_table_privilege('chime_app', 'chime_auditevent', %s)", [privilege])
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    }
    assert privileges == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
        "REFERENCES": False,
        "TRIGGER": False,
    }
    assert _one("SELECT has_table_privilege('chime_app', 'support_person', 'UPDATE, DELETE')") is True
    assert _one("SELECT has_table_privilege('chime_app', 'support_person', 'TRUNCATE')") is False


def test_switching_to_the_owner_is_refused_inside_a_transaction(db):
    with pytest.raises(RuntimeError, match="inside a transaction"), dbroles.as_owner():
        pass


def test_a_deployment_without_an_owning_role_is_warned_about(settings):
    assert dbroles.check_owner_role() == []
    settings.DATABASE_OWNER = None
    assert [message.id for message in dbroles.check_owner_role()] == ["chime.W001"]
    settings.DATABASE_OWNER = {"USER": "chime_app", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {}}
    assert [message.id for message in dbroles.check_owner_role()] == ["chime.W001"]
    assert isinstance(dbroles.check_owner_role()[0], checks.Warning)
