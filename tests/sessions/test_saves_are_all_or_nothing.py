"""A session is saved whole or not at all: its row, its CHIME notes and its audit row are one transaction.

These tests commit for real (transactional database), so a rollback is PostgreSQL's, not the test's wrapper.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from chime.models import AuditEvent
from sessions import services
from sessions.models import SessionArea, SupportSession

pytestmark = pytest.mark.django_db(transaction=True)


def _created_sessions() -> int:
    return AuditEvent.objects.filter(action="create", object_type="support.SupportSession").count()


def test_notes_refused_by_the_database_leave_no_session_behind(person, practitioner):
    # The session row goes in first; then the database refuses a note (rating 9 breaks rating_between_1_and_5).
    key = uuid.uuid4()
    with pytest.raises(IntegrityError, match="rating_between_1_and_5"):
        services.record_session(
            person=person,
            practitioner=practitioner,
            details=services.SessionDetails(
                occurred_at=timezone.now() - dt.timedelta(hours=1), duration_minutes=30, mode="phone"
            ),
            areas=[
                services.AreaEntry("hope", "A good week.", 4),
                services.AreaEntry("identity", "Talked.", 9),
            ],
            submission_key=key,
        )
    assert not SupportSession.objects.filter(submission_key=key).exists()
    assert SessionArea.objects.count() == 0
    assert _created_sessions() == 0


@pytest.fixture
def connection_lost_while_saving_notes(as_owner):
    """A real trigger that ends this database connection the moment a CHIME note is inserted (only the owner of
    the table may add one; it runs as the app's role, which may end its own connection)."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_drop_connection() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;"
            " CREATE TRIGGER test_drop_connection BEFORE INSERT ON support_sessionarea"
            " FOR EACH ROW EXECUTE FUNCTION test_drop_connection();"
        )
    yield
    with as_owner(), connection.cursor() as cursor:  # the old connection is dead: as_owner opens a new one
        cursor.execute(
            "DROP TRIGGER test_drop_connection ON support_sessionarea; DROP FUNCTION test_drop_connection();"
        )


def test_a_connection_lost_mid_save_shows_try_again_and_saves_nothing(
    practitioner, person, connection_lost_while_saving_notes
):
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    key = str(uuid.uuid4())
    response = client.post(
        f"/people/{person.pk}/sessions/new/",
        {
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "duration_minutes": "45",
            "mode": "phone",
            "hope_note": "Talked about the week ahead.",
            "submission_key": key,
        },
    )
    assert response.status_code == 503
    assert "nothing is ever half-saved" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    connection.close()
    assert not SupportSession.objects.filter(submission_key=key).exists()
    assert SessionArea.objects.count() == 0
    assert _created_sessions() == 0
