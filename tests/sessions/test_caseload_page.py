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
    # last session, follow-up and plan review date, new feedback count, plans due for review, their unfinished
    # forms, unread notifications
    with django_assert_num_queries(11):
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


@pytest.fixture
def dee_and_olly(practitioner):
    return (
        PersonFactory(practitioner=practitioner, preferred_name="Dee"),
        PersonFactory(practitioner=practitioner, preferred_name="Olly"),
    )


def test_the_caseload_is_filtered_by_a_posted_name(client, practitioner, dee_and_olly):
    client.force_login(practitioner)
    response = client.post("/", {"name": "de"})
    assert response.status_code == 200
    assert [p.preferred_name for p in response.context["caseload"]] == ["Dee"]


def test_a_name_in_the_url_does_not_filter_the_caseload(client, practitioner, dee_and_olly):
    client.force_login(practitioner)
    response = client.get("/?name=Dee")
    assert response.status_code == 200
    assert [p.preferred_name for p in response.context["caseload"]] == ["Dee", "Olly"]
    assert 'value="Dee"' not in response.content.decode()  # nor is it put back in the form


def test_the_caseload_filter_form_is_posted(client, practitioner, dee_and_olly):
    client.force_login(practitioner)
    html = client.get("/").content.decode()
    assert (
        '<form method="post" class="row g-2 align-items-end mb-3 no-print" aria-label="Filter your caseload">'
        in html
    )


def test_posting_the_filters_without_a_name_keeps_only_the_content_free_ones_in_the_url(client, practitioner):
    client.force_login(practitioner)
    response = client.post("/", {"name": "", "follow_up": "overdue", "order": "name"})
    assert response.status_code == 302
    assert response["Location"] == "/?follow_up=overdue&order=name"


def test_a_name_search_is_one_page_of_at_most_fifty(client, practitioner):
    for number in range(52):
        PersonFactory(practitioner=practitioner, preferred_name=f"Alex {number}")
    client.force_login(practitioner)
    response = client.post("/", {"name": "alex"})
    assert len(response.context["caseload"]) == 50
    html = response.content.decode()
    assert "Showing the first 50 people whose names match." in html and "Pages of the caseload" not in html


def test_a_supervisor_filters_a_supervisees_caseload_by_a_posted_name(
    client, supervisor, practitioner, dee_and_olly
):
    client.force_login(supervisor)
    response = client.post(f"/team/{practitioner.pk}/", {"name": "olly"})
    assert [p.preferred_name for p in response.context["caseload"]] == ["Olly"]
    unfiltered = client.get(f"/team/{practitioner.pk}/?name=olly")
    assert [p.preferred_name for p in unfiltered.context["caseload"]] == ["Dee", "Olly"]


def test_the_caseload_filters_fold_away_until_a_filter_is_chosen(client, practitioner, person):
    client.force_login(practitioner)
    folded = client.get("/").content.decode()
    assert '<details class="list-filters mb-3 no-print" data-open-when-wide>' in folded
    assert "Filter and sort</summary>" in folded
    shown = client.get("/?follow_up=overdue").content.decode()
    assert '<details class="list-filters mb-3 no-print" data-open-when-wide open>' in shown
    assert "Filter and sort (filters on)</summary>" in shown


def test_each_person_on_my_caseload_has_a_log_a_session_link(client, practitioner, person):
    client.force_login(practitioner)
    html = client.get("/").content.decode()
    assert (
        f'href="/people/{person.pk}/sessions/new/" aria-describedby="person-{person.pk}">Log a session</a>'
        in html
    )
    assert f'<th scope="row" id="person-{person.pk}">' in html


def test_a_supervisor_reading_a_caseload_is_offered_no_log_a_session_link(
    client, supervisor, practitioner, person
):
    client.force_login(supervisor)
    html = client.get(f"/team/{practitioner.pk}/").content.decode()
    assert person.preferred_name in html
    assert "sessions/new/" not in html
