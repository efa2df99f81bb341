from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions import services
from sessions.history import session_history
from sessions.models import CaseloadAssignment, SessionArea, SupportSession, SupportSessionVersion


def _details(**overrides) -> services.SessionDetails:
    values = {"occurred_at": timezone.now() - dt.timedelta(hours=2), "duration_minutes": 45, "mode": "phone"}
    return services.SessionDetails(**{**values, **overrides})


def _record(person, practitioner, key=None, areas=None):
    return services.record_session(
        person=person,
        practitioner=practitioner,
        details=_details(),
        areas=areas
        or [
            services.AreaEntry("hope", "Looking forward to the summer.", 4),
            services.AreaEntry("connectedness", "Went to the group."),
        ],
        submission_key=key or uuid.uuid4(),
    )


def test_record_session_stores_the_session_and_its_areas(person, practitioner):
    session, created = _record(person, practitioner)
    assert created
    assert {(a.area, a.rating) for a in session.areas.all()} == {("hope", 4), ("connectedness", None)}


def test_the_same_form_posted_twice_creates_one_session(person, practitioner):
    key = uuid.uuid4()
    first, _ = _record(person, practitioner, key)
    second, created = _record(person, practitioner, key)
    assert (second, created) == (first, False)
    assert SupportSession.objects.count() == 1


def test_a_session_needs_at_least_one_area(person, practitioner):
    with pytest.raises(services.SessionError) as error:
        services.record_session(
            person=person,
            practitioner=practitioner,
            details=_details(),
            areas=[],
            submission_key=uuid.uuid4(),
        )
    assert error.value.code == "no_area"
    assert SupportSession.objects.count() == 0


def test_only_the_persons_practitioner_logs_sessions(person, other_practitioner):
    with pytest.raises(services.SessionError) as error:
        _record(person, other_practitioner)
    assert error.value.code == "not_on_caseload"


def test_editing_keeps_the_earlier_version(person, practitioner):
    session, _ = _record(person, practitioner)
    services.edit_session(
        session=session,
        editor=practitioner,
        details=_details(occurred_at=session.occurred_at, duration_minutes=90),
        areas=[services.AreaEntry("hope", "Feeling brighter about the summer.", 5)],
    )
    old = SupportSessionVersion.objects.get(pgh_obj=session)
    assert old.duration_minutes == 45
    session.refresh_from_db()
    [edit] = session_history(session)
    assert edit.by == "Sam Okafor"
    changes = {c.what: (c.before, c.after) for e in session_history(session) for c in e.changes}
    assert changes["How long (minutes)"] == (45, 90)
    assert changes["Hope and optimism about the future: note"] == (
        "Looking forward to the summer.",
        "Feeling brighter about the summer.",
    )
    assert changes["Connectedness: note"] == ("Went to the group.", "(area removed)")


def test_only_the_author_can_edit(person, practitioner, supervisor):
    session, _ = _record(person, practitioner)
    with pytest.raises(services.SessionError):
        services.edit_session(
            session=session, editor=supervisor, details=_details(), areas=[services.AreaEntry("hope", "x")]
        )


def test_sessions_are_never_hard_deleted(person, practitioner):
    session, _ = _record(person, practitioner)
    with pytest.raises(Exception, match="never_hard_deleted|Cannot delete"), transaction.atomic():
        session.delete()
    assert SupportSession.objects.filter(pk=session.pk).exists()


def test_the_history_tables_are_append_only(person, practitioner):
    session, _ = _record(person, practitioner)
    services.edit_session(
        session=session,
        editor=practitioner,
        details=_details(occurred_at=session.occurred_at, duration_minutes=30),
        areas=[services.AreaEntry("hope", "x")],
    )
    with pytest.raises(Exception, match="append_only|Cannot"), transaction.atomic():
        SupportSessionVersion.objects.update(duration_minutes=1)


def test_the_database_refuses_a_rating_outside_1_to_5(person, practitioner):
    session, _ = _record(person, practitioner)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionArea.objects.create(session=session, area="identity", note="x", rating=6)


def test_moving_a_person_keeps_who_supported_them_when(person, practitioner, other_practitioner, supervisor):
    services.move_person(
        person=person, to_practitioner=other_practitioner, moved_by=supervisor, reason="Sam's leave"
    )
    person.refresh_from_db()
    assert person.practitioner == other_practitioner
    history = list(CaseloadAssignment.objects.filter(person=person).order_by("started_at"))
    assert [a.practitioner for a in history] == [practitioner, other_practitioner]
    assert history[0].ended_at is not None and history[1].ended_at is None


def test_add_person_needs_their_choice_to_take_part(practitioner):
    with pytest.raises(services.SessionError) as error:
        services.add_person(
            practitioner=practitioner, added_by=practitioner, preferred_name="Kim", chose_to_take_part=False
        )
    assert error.value.code == "not_voluntary"
