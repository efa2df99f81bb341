"""CHIME outcomes over time: the person page's charts, and the share of sessions per area month by month."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sessions.insights import area_shares
from sessions.models import SessionArea
from tests.factories import PersonFactory, PractitionerFactory, SupportSessionFactory


@pytest.mark.dates
def test_person_page_draws_the_areas_chart_beside_the_table(client, practitioner, person):
    SupportSessionFactory(person=person, areas=["hope", "identity"])
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert '<svg viewBox="0 0 720 260" class="chart-svg" role="img"' in html
    assert "CHIME areas touched, by month" in html and "<table" in html
    assert (
        html.count('class="chart-bar area-hope"') == 1 and html.count('class="chart-bar area-identity"') == 1
    )


def test_charts_use_no_inline_styles_so_they_work_under_the_csp(client, practitioner, person):
    session = SupportSessionFactory(person=person, areas=["hope"])
    SessionArea.objects.filter(session=session).update(rating=4)
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/")
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"\sstyle=", response.content.decode())


def test_ratings_chart_appears_only_when_the_person_gave_ratings(client, practitioner, person):
    session = SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(practitioner)
    assert (
        "Their own ratings given in sessions, by month"
        not in client.get(f"/people/{person.pk}/").content.decode()
    )
    SessionArea.objects.filter(session=session).update(rating=5)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert (
        "Their own ratings given in sessions, by month" in html
        and "Hope and optimism about the future, " in html
        and ": 5.0</title>" in html
    )


def test_the_person_timeline_is_paginated(client, practitioner, person):
    for _ in range(25):
        SupportSessionFactory(person=person)
    client.force_login(practitioner)
    first = client.get(f"/people/{person.pk}/")
    assert len(first.context["sessions"]) == 20 and "Page 1 of 2" in first.content.decode()
    assert len(client.get(f"/people/{person.pk}/?page=2").context["sessions"]) == 5


MID_MONTH = dt.datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("Europe/London"))
FIRST_OF_THE_MONTH = dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.dates
@time_machine.travel(MID_MONTH, tick=False)  # the factory's sessions (3 days ago) fall in this month
def test_area_shares_count_each_month_against_its_sessions(practitioner):
    person = PersonFactory(practitioner=practitioner)
    SupportSessionFactory(person=person, areas=["hope", "identity"])
    SupportSessionFactory(person=person, areas=["hope"])
    SupportSessionFactory(person=PersonFactory(), areas=["meaning"])  # someone else's practitioner
    mine = area_shares(practitioner.pk)
    by_area = {row.area.code: row.cells[-1] for row in mine.rows}
    assert mine.sessions_per_month[-1] == 2
    assert (by_area["hope"].sessions, by_area["hope"].share) == (2, 100.0)
    assert by_area["identity"].share == 50.0 and by_area["meaning"].share == 0.0
    assert area_shares().sessions_per_month[-1] == 3


@pytest.mark.dates
@time_machine.travel(FIRST_OF_THE_MONTH, tick=False)
def test_a_session_late_last_month_counts_in_last_month_not_this_one(practitioner):
    person = PersonFactory(practitioner=practitioner)
    SupportSessionFactory(person=person, occurred_at=FIRST_OF_THE_MONTH - dt.timedelta(hours=10, minutes=1))
    SupportSessionFactory(person=person, occurred_at=FIRST_OF_THE_MONTH - dt.timedelta(hours=9, minutes=59))
    shares = area_shares(practitioner.pk)
    assert (shares.months[-2], shares.months[-1]) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert shares.sessions_per_month[-2:] == [1, 1]


def test_a_practitioner_sees_their_own_insights_and_their_supervisor_sees_them_too(
    client, supervisor, practitioner, person
):
    SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(practitioner)
    assert (
        "Share of sessions touching each CHIME area"
        in client.get(f"/insights/practitioners/{practitioner.pk}/").content.decode()
    )
    client.force_login(supervisor)
    assert client.get(f"/insights/practitioners/{practitioner.pk}/").status_code == 200


def test_other_practitioners_insights_are_404(client, practitioner, other_practitioner, outsider):
    client.force_login(practitioner)
    assert client.get(f"/insights/practitioners/{other_practitioner.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get("/insights/").status_code == 404


@pytest.mark.parametrize("sessions", [2, 30])
def test_insight_pages_query_counts_are_flat(
    client, supervisor, practitioner, sessions, django_assert_num_queries
):
    for _ in range(sessions):
        SupportSessionFactory(
            person=PersonFactory(practitioner=PractitionerFactory()), areas=["hope", "meaning"]
        )
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner), areas=["empowerment"])
    client.force_login(supervisor)
    # session, user, audit (lock, last hash, insert), sessions per month, areas per month, group meetings per
    # month, their named attendances per month, unread notifications
    with django_assert_num_queries(10):
        client.get("/insights/")
    # ... and the supervisee lookup
    with django_assert_num_queries(11):
        client.get(f"/insights/practitioners/{practitioner.pk}/")


@pytest.mark.dates
def test_insights_count_group_meetings_and_attendances_by_month(practitioner, other_practitioner):
    from sessions.insights import area_shares
    from tests.groups import group_of, meeting_of

    meeting_of(
        group_of(practitioner),
        practitioner,
        [PersonFactory(practitioner=practitioner)],
        anonymous=4,
        days_ago=0,
    )
    meeting_of(group_of(other_practitioner), other_practitioner, [], anonymous=2, days_ago=0)
    everyone, mine = area_shares(), area_shares(practitioner.pk)
    assert (everyone.group_meetings_per_month[-1], everyone.attendances_per_month[-1]) == (2, 7)
    assert (mine.group_meetings_per_month[-1], mine.attendances_per_month[-1]) == (1, 5)
