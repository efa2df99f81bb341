"""The person page's month table, charts and ratings by whose view, read in one query (sessions.insights
.person_months), give exactly the figures of the four grouped queries they replace, kept here as the reference; and
the check-ins' months and latest, read in one query, equal the two queries that still serve the person's own view."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from chime.framework import AREAS
from sessions import checkins
from sessions.insights import AreaMonths, ViewRatings, area_rows, person_months, shown_months
from sessions.models import Attendance, CheckIn, GroupMeeting, SessionArea, View
from tests.factories import PersonFactory, SupportSessionFactory
from tests.groups import group_of, meeting_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("Europe/London"))


# ---- The reference: the queries the page sent before (sessions/insights.py at b0159da) ---------------------------


def reference_area_months(person) -> AreaMonths:
    months, since = shown_months()
    areas = SessionArea.objects.filter(session__person=person, session__occurred_at__gte=since)
    grouped = (
        areas.annotate(month=TruncMonth("session__occurred_at"))
        .values("month", "area")
        .annotate(sessions=Count("session_id"), average_rating=Avg("rating", filter=Q(rating_view=View.OWN)))
    )
    cells = {(row["month"].date(), row["area"]): row for row in grouped}
    per_month = (
        person.sessions.filter(occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    totals = {row["month"].date(): row["n"] for row in per_month}
    by_area, by_month = Counter(), Counter()
    attended = Attendance.objects.filter(person=person, meeting__occurred_at__gte=since)
    for occurred_at, meeting_areas in attended.values_list("meeting__occurred_at", "meeting__areas"):
        month = occurred_at.astimezone(ZoneInfo("Europe/London")).date().replace(day=1)
        by_month[month] += 1
        by_area.update((month, area) for area in meeting_areas)
    return AreaMonths(
        months=months,
        rows=area_rows(months, cells, added=by_area),
        sessions_per_month=[totals.get(m, 0) + by_month[m] for m in months],
        group_meetings_per_month=[by_month[m] for m in months],
    )


def reference_ratings_by_view(person):
    _, since = shown_months()
    grouped = (
        SessionArea.objects.filter(
            session__person=person, session__occurred_at__gte=since, rating__isnull=False
        )
        .values("area", "rating_view")
        .annotate(average=Avg("rating"), n=Count("pk"))
        .order_by()
    )
    found = {(row["area"], row["rating_view"]): (row["average"], row["n"]) for row in grouped}
    if not found:
        return [], []
    rows = [
        ViewRatings(area, [found.get((area.code, view), (None, 0)) for view in View.values]) for area in AREAS
    ]
    return list(View.labels), rows


# ---- The record ---------------------------------------------------------------------------------------------------


def _varied_record(practitioner, seed: int):
    """Fourteen months of sessions (every area, ratings from every view or none, so averages such as 11/9 that a
    float division would round differently from the database), group meetings, and someone else's sessions."""
    rng = random.Random(seed)
    person = PersonFactory(practitioner=practitioner)
    codes = [area.code for area in AREAS]
    for _ in range(90):
        session = SupportSessionFactory(
            person=person,
            areas=rng.sample(codes, rng.randint(0, 4)),
            occurred_at=NOW - dt.timedelta(days=rng.randint(0, 420), hours=rng.randint(0, 23)),
        )
        for area in session.areas.all():
            area.rating = rng.choice([None, 1, 2, 3, 4, 5])
            area.rating_view = rng.choice(View.values)
            area.save(update_fields=["rating", "rating_view"])
    cafe = group_of(practitioner)
    for days in rng.sample(range(400), 25):  # each with its own areas (at least one: a database rule)
        meeting = meeting_of(cafe, practitioner, [person], days_ago=days)
        GroupMeeting.objects.filter(pk=meeting.pk).update(areas=rng.sample(codes, rng.randint(1, 3)))
    SupportSessionFactory(person=PersonFactory(practitioner=practitioner), areas=["hope"])  # not theirs
    return person


@pytest.mark.dates
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_query_gives_exactly_the_figures_of_the_four_it_replaces(
    practitioner, seed, django_assert_num_queries
):
    person = _varied_record(practitioner, seed)
    with django_assert_num_queries(1):
        months = person_months(person)
    assert months.areas == reference_area_months(person)
    assert months.rating_views == reference_ratings_by_view(person)
    assert any(n > 1 for row in months.rating_views[1] for _, n in row.cells)  # averages of several ratings


@pytest.mark.dates
@time_machine.travel(NOW, tick=False)
def test_a_record_with_nothing_in_the_last_year_gives_empty_figures(practitioner):
    person = PersonFactory(practitioner=practitioner)
    SupportSessionFactory(person=person, occurred_at=NOW - dt.timedelta(days=400))
    months = person_months(person)
    assert (months.areas, months.rating_views) == (reference_area_months(person), ([], []))
    assert months.areas.is_empty


@pytest.mark.dates
@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_sessions_and_meetings_just_after_midnight_local_time_count_in_the_new_month(practitioner):
    person = PersonFactory(practitioner=practitioner)
    just_after = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 June in London
    SupportSessionFactory(person=person, areas=["meaning"], occurred_at=just_after)
    meeting = meeting_of(group_of(practitioner), practitioner, [person])
    meeting.occurred_at = just_after
    meeting.save(update_fields=["occurred_at"])
    months = person_months(person).areas
    assert months == reference_area_months(person)
    assert (months.sessions_per_month[-2:], months.group_meetings_per_month[-2:]) == ([0, 2], [0, 1])


# ---- Their own check-ins: the months and the latest, in one query --------------------------------------------------


@pytest.mark.dates
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("seed", [1, 2])
def test_the_check_ins_months_and_latest_in_one_query_equal_the_two_queries_they_replace(
    practitioner, seed, django_assert_num_queries
):
    rng = random.Random(seed)
    person = PersonFactory(practitioner=practitioner)
    for _ in range(40):  # fourteen months of check-ins, several areas at one go sharing their moment
        at = NOW - dt.timedelta(days=rng.randint(0, 420), minutes=rng.randint(0, 1440))
        for code in rng.sample([area.code for area in AREAS], rng.randint(1, 3)):
            CheckIn.objects.create(
                person=person,
                area=code,
                rating=rng.randint(1, 5),
                words=rng.choice(["", "Better."]),
                checked_in_at=at,
            )
    CheckIn.objects.create(
        person=PersonFactory(practitioner=practitioner), area="hope", rating=2
    )  # not theirs
    with django_assert_num_queries(1):
        summary = checkins.for_person_page(person, last_session=None)
    assert summary.months == checkins.check_in_months(person)
    fields = ("pk", "person_id", "area", "rating", "words", "checked_in_at")
    expected = [tuple(getattr(c, f) for f in fields) for c in checkins.latest_check_ins(person)]
    assert [tuple(getattr(c, f) for f in fields) for c in summary.latest] == expected
    assert len(expected) == checkins.LATEST_SHOWN


def test_a_person_with_no_check_ins_has_empty_months_and_no_latest(practitioner):
    person = PersonFactory(practitioner=practitioner)
    summary = checkins.for_person_page(person, last_session=None)
    assert (summary.months, summary.latest) == (checkins.check_in_months(person), [])
