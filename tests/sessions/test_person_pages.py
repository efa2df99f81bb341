from __future__ import annotations

import pytest

from sessions import services
from sessions.models import Person
from tests.factories import SupportSessionFactory


def test_person_page_shows_strengths_goals_and_the_timeline(client, practitioner, person):
    services.add_goal(
        person=person, actor=practitioner, in_their_words="Get out more.", areas=["connectedness"]
    )
    SupportSessionFactory(person=person, areas=["hope", "identity"], next_steps="Join the choir.")
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/").content.decode()
    for text in (
        "Kind and funny.",
        "Get out more.",
        "Join the choir.",
        "Hope and optimism about the future",
        "CHIME areas over the last 12 months",
    ):
        assert text in html


def test_area_table_counts_sessions_per_area(client, practitioner, person):
    SupportSessionFactory(person=person, areas=["hope", "identity"])
    SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/")
    rows = {row.area.code: row.total for row in response.context["area_months"].rows}
    assert rows == {"connectedness": 0, "hope": 2, "identity": 1, "meaning": 0, "empowerment": 0}


@pytest.mark.parametrize("sessions", [3, 30])
def test_person_page_query_count_is_flat(client, practitioner, person, sessions, django_assert_num_queries):
    for _ in range(sessions):
        SupportSessionFactory(person=person, areas=["hope", "meaning"])
    client.force_login(practitioner)
    # session, user, person, audit (lock, last hash, insert), sessions count (pagination), a page of sessions,
    # their areas and the services they signposted to (two prefetches), the last twelve months in one query (areas
    # and sessions by month, ratings by whose view, group meetings by month: sessions.insights.person_months),
    # assignments, open safeguarding concerns, unread notifications, the recovery plan (one query: none yet),
    # measures offered with their measures (one query for both what is due and scores over time) and the measures on
    # offer (when one is due), the latest group meetings they came to (with how many in all); their own check-ins,
    # the latest and by month in one query (sessions.checkins.for_person_page; their last session is the timeline's
    # first, so it is not asked for on the first page)
    with django_assert_num_queries(19):
        client.get(f"/people/{person.pk}/")


@pytest.mark.parametrize(
    "url", ["/people/{pk}/", "/people/{pk}/edit/", "/people/{pk}/move/", "/people/{pk}/sessions/new/"]
)
def test_someone_elses_person_is_404_for_get_and_post(client, practitioner, others_person, url):
    client.force_login(practitioner)
    assert client.get(url.format(pk=others_person.pk)).status_code == 404
    assert client.post(url.format(pk=others_person.pk), {}).status_code == 404


def test_an_unknown_person_id_is_404(client, practitioner):
    client.force_login(practitioner)
    assert client.get("/people/987654/").status_code == 404


def test_a_practitioner_adds_a_person(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        "/people/new/",
        {
            "preferred_name": "Kim",
            "support_started": "2026-01-05",
            "route": "self",
            "chose_to_take_part": "on",
            "strengths": "Brilliant cook.",
        },
    )
    person = Person.objects.get(preferred_name="Kim")
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.practitioner == practitioner and person.assignments.count() == 1


def test_adding_a_person_who_did_not_choose_to_take_part_stores_nothing(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        "/people/new/", {"preferred_name": "Kim", "support_started": "2026-01-05", "route": "self"}
    )
    assert response.status_code == 200
    assert "Peer support is voluntary" in response.content.decode()
    assert not Person.objects.filter(preferred_name="Kim").exists()


def test_supervisor_cannot_edit_a_person(client, supervisor, person):
    client.force_login(supervisor)
    assert client.get(f"/people/{person.pk}/edit/").status_code == 403


def test_supervisor_moves_a_person_between_their_supervisees(client, supervisor, person):
    from tests.factories import PractitionerFactory

    colleague = PractitionerFactory(supervisor=supervisor, first_name="Lee")
    client.force_login(supervisor)
    response = client.post(f"/people/{person.pk}/move/", {"to_practitioner": colleague.pk, "reason": "Leave"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.practitioner == colleague
    assert "Lee" in client.get(f"/people/{person.pk}/").content.decode()
