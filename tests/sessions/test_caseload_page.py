from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, SupportSessionFactory


@pytest.mark.dates
def test_caseload_shows_last_session_and_highlights_overdue_follow_ups(client, practitioner):
    today = timezone.localdate()
    overdue = PersonFactory(practitioner=practitioner, preferred_name="Overdue Olly")
    SupportSessionFactory(person=overdue, follow_up_on=today - dt.timedelta(days=2))
    on_time = PersonFactory(practitioner=practitioner, preferred_name="Future Fran")
    SupportSessionFactory(person=on_time, follow_up_on=today + dt.timedelta(days=5))
    client.force_login(practitioner)
    html = client.get("/").content.decode()
    assert html.index("Overdue Olly") < html.index("Future Fran")  # soonest follow-up first
    assert html.count("– overdue") == 1


def test_caseload_does_not_list_other_practitioners_people(client, practitioner, others_person):
    client.force_login(practitioner)
    assert others_person.preferred_name not in client.get("/").content.decode()


@pytest.mark.dates
def test_follow_up_comes_from_the_latest_session(client, practitioner, person):
    today = timezone.localdate()
    SupportSessionFactory(
        person=person,
        occurred_at=timezone.now() - dt.timedelta(days=30),
        follow_up_on=today - dt.timedelta(days=20),
    )
    SupportSessionFactory(
        person=person,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        follow_up_on=today + dt.timedelta(days=7),
    )
    client.force_login(practitioner)
    assert "– overdue" not in client.get("/").content.decode()


@pytest.mark.parametrize("people", [3, 30])
def test_caseload_query_count_does_not_grow_with_the_caseload(
    client, practitioner, people, django_assert_num_queries
):
    for _ in range(people):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner))
    client.force_login(practitioner)
    # session, user, audit (lock, last hash, insert), caseload count (pagination), caseload page with each
    # last session and follow-up, new feedback count, unread notifications
    with django_assert_num_queries(9):
        response = client.get("/")
    assert response.content.decode().count("/people/") >= min(people, 25)  # 25 to a page


def test_supervisor_sees_their_team_and_a_read_only_caseload(client, supervisor, practitioner, person):
    client.force_login(supervisor)
    home = client.get("/").content.decode()
    assert "Sam Okafor’s caseload" in home
    page = client.get(f"/team/{practitioner.pk}/").content.decode()
    assert person.preferred_name in page and "Read-only" in page


def test_supervisor_gets_404_for_a_practitioner_they_do_not_supervise(client, supervisor, other_practitioner):
    client.force_login(supervisor)
    assert client.get(f"/team/{other_practitioner.pk}/").status_code == 404
