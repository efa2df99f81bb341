"""The staff session page says when a session's notes are held back from the person's own view: who held them back,
when and why, with a way to let the person read them again for those who may (the session's practitioner)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chime.models import AuditEvent
from ethics.models import WithheldSession
from ethics.services import withholding
from tests.factories import SupportSessionFactory

RELEASE = 'action="/sessions/{pk}/show-again/"'


@pytest.fixture
def held(practitioner, person):
    session = SupportSessionFactory(person=person, practitioner=practitioner)
    with time_machine.travel(dt.datetime(2027, 4, 6, 14, 30, tzinfo=dt.UTC), tick=False):
        withholding.withhold_session(session=session, by=practitioner, reason="names_someone_else")
    return session


@pytest.mark.dates
def test_the_practitioner_sees_who_held_it_back_when_and_why_and_can_release_it(client, practitioner, held):
    client.force_login(practitioner)
    page = client.get(f"/sessions/{held.pk}/").content.decode()
    assert (
        f"<strong>Held back from Dee’s own view</strong> by {practitioner.name} on 6 Apr 2027, 15:30: "
        "it names or is about someone else." in page
    )
    assert RELEASE.format(pk=held.pk) in page
    assert f"/sessions/{held.pk}/hold-back/" not in page


@pytest.mark.dates
def test_the_supervisor_sees_the_notice_but_no_way_to_release_it(client, supervisor, practitioner, held):
    client.force_login(supervisor)
    page = client.get(f"/sessions/{held.pk}/").content.decode()
    assert f"<strong>Held back from Dee’s own view</strong> by {practitioner.name}" in page
    assert RELEASE.format(pk=held.pk) not in page


def test_a_session_not_held_back_has_no_notice_and_offers_to_hold_it_back(client, practitioner, person):
    session = SupportSessionFactory(person=person, practitioner=practitioner)
    client.force_login(practitioner)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Held back from" not in page
    assert f'href="/sessions/{session.pk}/hold-back/"' in page


def test_releasing_from_the_notice_lets_the_person_read_it_again_and_is_audited(client, practitioner, held):
    client.force_login(practitioner)
    response = client.post(f"/sessions/{held.pk}/show-again/")
    assert response["Location"] == f"/sessions/{held.pk}/"
    assert not WithheldSession.objects.current().filter(session=held).exists()
    assert "Held back from" not in client.get(f"/sessions/{held.pk}/").content.decode()
    row = AuditEvent.objects.filter(object_type="ethics.WithheldSession").order_by("pk").last()
    assert (row.actor, row.reason) == (practitioner, f"session {held.pk} shown to the person again")


def test_the_supervisor_cannot_release_it(client, supervisor, held):
    client.force_login(supervisor)
    assert client.post(f"/sessions/{held.pk}/show-again/").status_code == 403
    assert WithheldSession.objects.current().filter(session=held).exists()


@pytest.mark.parametrize("hold", [False, True])
def test_the_session_page_query_count_is_the_same_held_back_or_not(
    client, practitioner, person, hold, django_assert_num_queries
):
    session = SupportSessionFactory(person=person, practitioner=practitioner)
    if hold:
        withholding.withhold_session(session=session, by=practitioner, reason="serious_harm")
    client.force_login(practitioner)
    # session, user, the session with person, practitioner and review, audit (lock, last hash, insert), the hold
    # with who held it back, areas, goals it worked on, unread notifications, the person's own words and flags on
    # the note, the services it signposted to
    with django_assert_num_queries(13):
        client.get(f"/sessions/{session.pk}/")
