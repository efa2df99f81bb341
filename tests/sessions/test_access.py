from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sessions import access
from sessions.models import Person, SupportSession
from tests.factories import SupportSessionFactory


def test_practitioner_sees_only_their_own_caseload(practitioner, person, others_person):
    assert list(Person.objects.visible_to(practitioner)) == [person]


def test_supervisor_sees_their_supervisees_caseloads(supervisor, person, others_person):
    assert list(Person.objects.visible_to(supervisor)) == [person]


def test_admin_and_outsider_see_no_one(admin_user, outsider, person):
    assert not Person.objects.visible_to(admin_user).exists()
    assert not Person.objects.visible_to(outsider).exists()


def test_a_deactivated_practitioner_sees_no_one(practitioner, person):
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert not Person.objects.visible_to(practitioner).exists()


def test_sessions_follow_the_people_a_user_may_see(practitioner, person, others_person):
    mine = SupportSessionFactory(person=person)
    SupportSessionFactory(person=others_person)
    assert list(SupportSession.objects.visible_to(practitioner)) == [mine]


def test_get_person_for_answers_404_for_someone_elses_person(practitioner, others_person):
    with pytest.raises(Http404):
        access.get_person_for(practitioner, others_person.pk)


def test_get_person_for_answers_404_for_a_missing_person(practitioner):
    with pytest.raises(Http404):
        access.get_person_for(practitioner, 999_999)


def test_supervisor_may_read_but_not_write(supervisor, person):
    assert access.get_person_for(supervisor, person.pk) == person
    with pytest.raises(PermissionDenied):
        access.get_person_for(supervisor, person.pk, write=True)


def test_only_the_author_edits_a_session(practitioner, person, supervisor):
    session = SupportSessionFactory(person=person)
    assert access.get_session_for(practitioner, session.pk, write=True) == session
    with pytest.raises(PermissionDenied):
        access.get_session_for(supervisor, session.pk, write=True)


def test_after_a_move_the_old_practitioner_loses_access_at_once(
    practitioner, other_practitioner, person, supervisor
):
    from sessions.services import move_person

    session = SupportSessionFactory(person=person)
    move_person(person=person, to_practitioner=other_practitioner, moved_by=supervisor)
    with pytest.raises(Http404):
        access.get_session_for(practitioner, session.pk)
    # The new practitioner reads the earlier session but cannot rewrite someone else's note.
    assert access.get_session_for(other_practitioner, session.pk) == session
    with pytest.raises(PermissionDenied):
        access.get_session_for(other_practitioner, session.pk, write=True)


def test_supervisee_lookup_is_404_for_someone_elses_practitioner(
    supervisor, practitioner, other_practitioner
):
    assert access.get_supervisee_for(supervisor, practitioner.pk) == practitioner
    with pytest.raises(Http404):
        access.get_supervisee_for(supervisor, other_practitioner.pk)
