"""Group work and brief contacts in the commissioners' report: the same small-number rules, and the CSV agrees."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone

from ethics.services.rights import anonymise_person
from sessions.models import Person
from sessions.reports import SUPPRESSED, commissioners_report
from sessions.rollup_triggers import AREA_CODES
from tests.factories import PersonFactory
from tests.groups import brief_contact, group_of, meeting_of

pytestmark = pytest.mark.django_db


def _window() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today


def _figures(report) -> dict[tuple[str, str], str]:
    return {(row.section, row.label): row.value for row in report.rows}


@pytest.fixture
def group_work(practitioner):
    """Six meetings of one group (each 90 minutes, two people named and three unnamed), one an old one."""
    people = [PersonFactory(practitioner=practitioner) for _ in range(6)]
    cafe = group_of(practitioner)
    for n in range(6):
        meeting_of(cafe, practitioner, people[n : n + 2], anonymous=3, days_ago=n + 1)
    meeting_of(cafe, practitioner, people[:1], anonymous=3, days_ago=400)
    for _ in range(5):
        brief_contact(practitioner, signposted_to="Food bank")
    return people


def test_the_report_counts_group_meetings_attendances_people_and_hours(group_work):
    figures = _figures(commissioners_report(*_window()))
    assert figures[("Group work", "Groups run")] == SUPPRESSED
    assert figures[("Group work", "Group meetings")] == "6"
    assert (
        figures[("Group work", "Attendances (named and unnamed)")] == "29"
    )  # 5 × 2 + 1 named, 6 × 3 unnamed
    assert figures[("Group work", "Different people named on registers")] == "6"
    assert figures[("Group work", "Hours of group support")] == "9.0"
    assert (
        figures[("CHIME area coverage of group work", "Hope and optimism about the future: meetings")] == "6"
    )
    assert (
        figures[
            ("CHIME area coverage of group work", "Hope and optimism about the future: share of meetings")
        ]
        == "100%"
    )
    assert figures[("CHIME area coverage of group work", "Identity: meetings")] == SUPPRESSED
    assert figures[("Brief contacts", "Brief contacts")] == "5"
    assert figures[("Brief contacts", "Brief contacts with signposting")] == "5"


def test_an_erased_attendee_still_counts_as_an_attendance(group_work):
    anonymise_person(group_work[0])
    figures = _figures(commissioners_report(*_window()))
    assert figures[("Group work", "Attendances (named and unnamed)")] == "29"
    assert figures[("Group work", "Different people named on registers")] == "5"


def test_few_meetings_hide_their_hours_and_shares(practitioner):
    meeting_of(group_of(practitioner), practitioner, [], anonymous=12)
    figures = _figures(commissioners_report(*_window()))
    assert figures[("Group work", "Group meetings")] == SUPPRESSED
    assert figures[("Group work", "Attendances (named and unnamed)")] == "12"
    assert figures[("Group work", "Hours of group support")] == f"{SUPPRESSED} meetings"
    assert figures[
        ("CHIME area coverage of group work", "Hope and optimism about the future: share of meetings")
    ] == ("not shown (small numbers)")


def test_the_csv_has_the_group_work_rows(client, admin_user, group_work):
    client.force_login(admin_user)
    start, end = _window()
    response = client.get("/reports/csv/", {"start": start.isoformat(), "end": end.isoformat()})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert ["Group work", "Group meetings", "6"] in [row[:3] for row in rows]
    assert ["Brief contacts", "Brief contacts", "5"] in [row[:3] for row in rows]


@pytest.mark.dates
def test_group_work_contacts_and_plan_counts_read_for_several_periods_at_once_equal_each_period_read_alone(
    practitioner,
):
    """The report reads its period and the one before in one query each (`_group_work`, `_brief_contacts`,
    `_plan_counts`). Meetings, contacts and plans spread over 90 days; periods apart, touching, overlapping and the
    same must each get exactly what they get alone."""
    from sessions import groups, services
    from sessions.reports import _brief_contacts, _group_work, _plan_counts
    from sessions.service_kinds import TYPED
    from tests.factories import DirectoryServiceFactory

    people = [PersonFactory(practitioner=practitioner) for _ in range(3)]
    cafe, walk = group_of(practitioner), group_of(practitioner, name="Walking group")
    for days_ago in (2, 5, 20, 45, 80):
        meeting_of(cafe, practitioner, people[:2], anonymous=1, days_ago=days_ago)
    meeting_of(walk, practitioner, people[2:], anonymous=4, days_ago=20)
    shelter, housing_line = (
        DirectoryServiceFactory(name=n, kind="housing") for n in ("Shelter", "Housing line")
    )
    money = DirectoryServiceFactory(name="Debt advice", kind="money")
    for n, (days_ago, linked, typed) in enumerate(
        [
            (1, [shelter, housing_line], ""),
            (6, [money], "Food bank"),
            (30, [], "Library"),
            (70, [], ""),
            (3, [shelter], ""),
        ]
    ):
        groups.record_brief_contact(
            recorded_by=practitioner,
            details=groups.ContactDetails(
                occurred_at=timezone.now() - dt.timedelta(days=days_ago),
                duration_minutes=10,
                areas=[],
                signposted_to=typed,
                location=f"Outreach {n}",
            ),
            submission_key=uuid.uuid4(),
            signposted_services=linked,
        )
    for person in people:
        goal = services.add_goal(
            person=person, actor=practitioner, in_their_words="Walk more.", areas=["hope"]
        )
        for days_ago in (1, 40):
            done = services.StepDetails(
                what="Walk", done_on=timezone.localdate() - dt.timedelta(days=days_ago)
            )
            services.add_step(goal=goal, actor=practitioner, step=done)
    today = timezone.localdate()

    def days(first: int, last: int) -> tuple[dt.date, dt.date]:
        return today - dt.timedelta(days=first), today - dt.timedelta(days=last)

    periods = [days(10, 0), days(30, 11), days(60, 0), days(10, 0), days(100, 50)]
    everyone = Person.objects.all()
    together = (_group_work(periods), _brief_contacts(periods), _plan_counts(periods, everyone))
    alone = [(_group_work([p])[0], _brief_contacts([p])[0], _plan_counts([p], everyone)[0]) for p in periods]
    assert list(zip(*together, strict=True)) == alone
    meetings, contacts, plans = alone[0]  # the last ten days
    assert (meetings["meetings"], meetings["groups"], meetings["minutes"], meetings["unnamed"]) == (
        2,
        1,
        180,
        2,
    )
    assert (meetings["area_hope"], meetings["area_identity"]) == (2, 0)
    assert contacts == {"contacts": 3, "signposted": 3, "to_housing": 2, "to_money": 1, f"to_{TYPED}": 1}
    assert plans == (3, 3)  # three goals set today; a step done yesterday each
    assert alone[4] == (
        {"meetings": 1, "groups": 1, "minutes": 90, "unnamed": 1, **{f"area_{a}": 0 for a in AREA_CODES}}
        | {"area_connectedness": 1, "area_hope": 1},
        {"contacts": 1},
        (0, 0),
    )
