"""Group work and brief contacts in the commissioners' report: the same small-number rules, and the CSV agrees."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from ethics.services.rights import anonymise_person
from sessions.reports import SUPPRESSED, commissioners_report
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
