"""The health endpoint (/health/) and the admins' home page say whether Chime is running as it should."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chime import audit, health
from chime.checkpoints import take_checkpoint
from chime.models import AuditEvent
from chime.tasks import checkpoint_audit_chain

NOW = dt.datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _worker_ran(minutes_ago: int) -> None:
    """The trace a running `db_worker` leaves: a task it claimed, with when it started."""
    result = checkpoint_audit_chain.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def _something_audited() -> AuditEvent:
    return audit.record(
        AuditEvent.Action.VIEW, object_type="framework", reason=audit.Reason("opened the framework")
    )


@pytest.fixture
def healthy(db):
    """A worker that ran a minute ago, and every audit row checkpointed."""
    _worker_ran(minutes_ago=1)
    _something_audited()
    take_checkpoint()


def test_health_answers_healthy_without_a_log_in(client, healthy):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}
    assert "no-cache" in response["Cache-Control"]


def test_health_turns_unhealthy_when_the_worker_has_not_run_for_16_minutes(client, db):
    _worker_ran(minutes_ago=16)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}


def test_health_turns_unhealthy_when_no_worker_ever_ran(client, db):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}


def test_health_turns_unhealthy_when_the_database_cannot_be_reached(client, transactional_db):
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = "chime_no_such_database"
    try:
        response = client.get("/health/")
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved

    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}


def test_health_turns_unhealthy_when_an_audit_row_waits_16_minutes_for_a_checkpoint(client, admin_user):
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=16)):
        _something_audited()
    _worker_ran(minutes_ago=1)
    client.force_login(admin_user)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["audit_checkpoint"] == {
        "healthy": False,
        "detail": "No audit checkpoint yet. Audit rows from 16 minutes ago have none yet.",
    }


def test_a_quiet_night_without_new_audit_rows_is_healthy_though_the_checkpoint_is_old(client, db):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=8)):
        _something_audited()
        take_checkpoint()
    _worker_ran(minutes_ago=2)

    response = client.get("/health/")

    assert response.status_code == 200


def test_health_details_are_shown_to_an_admin(client, healthy, admin_user, settings, tmp_path):
    settings.CHIME_BACKUP_DIR = tmp_path
    client.force_login(admin_user)

    response = client.get("/health/")

    assert response.json() == {
        "status": "healthy",
        "checks": {
            "database": {"healthy": True, "detail": "The database answers."},
            "migrations": {"healthy": True, "detail": "Every migration is applied."},
            "worker": {"healthy": True, "detail": "The background worker last ran 1 minute ago."},
            "audit_checkpoint": {"healthy": True, "detail": "Audit checkpoint: just now."},
        },
        "last_backup": f"No backup made with `manage.py backup` in {tmp_path}.",
    }


@pytest.mark.parametrize("persona", ["practitioner", "supervisor", "data_protection_lead", "outsider"])
def test_health_details_are_not_shown_to_anyone_but_an_admin(client, healthy, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/health/").json() == {"status": "healthy"}


def test_health_takes_no_post(client, healthy):
    assert client.post("/health/").status_code == 405


@pytest.mark.dates
def test_the_admins_home_says_in_plain_words_how_chime_is_running(client, admin_user, settings, tmp_path):
    settings.CHIME_BACKUP_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        _something_audited()
        take_checkpoint()
        _worker_ran(minutes_ago=2)
        backup = tmp_path / "chime-chime-20270309T020000Z.dump.gpg"
        backup.write_bytes(b"")
        yesterday_2am = dt.datetime(2027, 3, 9, 2, 0, tzinfo=ZoneInfo("Europe/London")).timestamp()
        os.utime(backup, (yesterday_2am, yesterday_2am))
        with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
            client.force_login(admin_user)
            page = client.get("/").content.decode()

    assert "Everything is running as it should." in page
    assert "The background worker last ran 5 minutes ago." in page
    assert "Last backup: yesterday 02:00." in page
    assert "Audit checkpoint: 3 minutes ago." in page


def test_the_admins_home_names_what_needs_attention(client, admin_user):
    client.force_login(admin_user)

    page = client.get("/").content.decode()

    assert "Something needs attention: see below." in page
    assert (
        "<strong>Needs attention:</strong> The background worker has never run. "
        "Is `python manage.py db_worker` running?" in page
    )


def test_nobody_but_an_admin_sees_how_chime_is_running_on_their_home(client, practitioner):
    client.force_login(practitioner)

    assert "How Chime is running" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (NOW - dt.timedelta(seconds=30), "just now"),
        (NOW - dt.timedelta(minutes=1), "1 minute ago"),
        (NOW - dt.timedelta(minutes=59), "59 minutes ago"),
        (NOW - dt.timedelta(minutes=61), "1 hour ago"),
        (NOW - dt.timedelta(hours=9, minutes=59), "9 hours ago"),
        (dt.datetime(2027, 3, 9, 2, 0, tzinfo=ZoneInfo("Europe/London")), "yesterday 02:00"),
        (dt.datetime(2027, 3, 6, 2, 0, tzinfo=ZoneInfo("Europe/London")), "4 days ago (6 March 02:00)"),
        (None, "never"),
    ],
)
def test_times_are_said_in_plain_words(moment, words):
    assert health.ago(moment, NOW) == words


def test_health_turns_unhealthy_when_a_migration_is_not_applied(client, as_owner, admin_user, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setattr(health, "_all_applied", set())  # this process saw them all applied in earlier tests
    _worker_ran(minutes_ago=1)
    latest = MigrationRecorder.Migration.objects.filter(app="chime").latest("id")
    with as_owner():
        MigrationRecorder.Migration.objects.filter(pk=latest.pk).delete()
    try:
        client.force_login(admin_user)
        response = client.get("/health/")
    finally:
        with as_owner():
            MigrationRecorder.Migration.objects.create(app=latest.app, name=latest.name)

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "healthy": False,
        "detail": "1 migration is not applied yet: run `python manage.py migrate`.",
    }
