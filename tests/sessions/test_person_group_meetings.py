"""The group meetings a person came to: the latest few on their page, every one on a page of their own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chime.models import AuditEvent
from sessions.access import GROUP_MEETINGS_SHOWN
from sessions.insights import person_months
from tests.groups import group_of, meeting_of

pytestmark = pytest.mark.django_db

MID_MONTH = dt.datetime(2026, 6, 20, 12, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def cafe(practitioner):
    return group_of(practitioner)


def _meetings(cafe, practitioner, person, count, **kwargs):
    """`count` meetings the person came to, one a day, the newest `days_ago=1`."""
    return [meeting_of(cafe, practitioner, [person], days_ago=1 + n, **kwargs) for n in range(count)]


def test_the_person_page_shows_the_latest_ten_group_meetings_newest_first_and_links_to_them_all(
    client, practitioner, person, cafe
):
    meetings = _meetings(cafe, practitioner, person, 12)
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/")
    shown = response.context["attendances"]
    assert [a.meeting.pk for a in shown] == [m.pk for m in meetings[:GROUP_MEETINGS_SHOWN]]
    assert response.context["group_meetings"] == 12
    page = response.content.decode()
    assert page.count('class="session group-meeting"') == 10
    assert f'<a href="/people/{person.pk}/group-meetings/">All 12 group meetings</a>' in page


def test_the_person_page_has_no_link_when_every_group_meeting_is_shown(client, practitioner, person, cafe):
    _meetings(cafe, practitioner, person, GROUP_MEETINGS_SHOWN)
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/")
    assert (len(response.context["attendances"]), response.context["group_meetings"]) == (10, 10)
    assert "/group-meetings/" not in response.content.decode()


def test_the_person_page_says_when_there_are_no_group_meetings(client, practitioner, person):
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/")
    assert (response.context["attendances"], response.context["group_meetings"]) == ([], 0)
    assert "No group meetings recorded." in response.content.decode()


def test_the_group_meetings_page_lists_every_meeting_newest_first_a_page_at_a_time(
    client, practitioner, person, cafe
):
    meetings = _meetings(cafe, practitioner, person, 27)
    client.force_login(practitioner)
    first = client.get(f"/people/{person.pk}/group-meetings/")
    second = client.get(f"/people/{person.pk}/group-meetings/?page=2")
    assert [a.meeting.pk for a in first.context["attendances"]] == [m.pk for m in meetings[:25]]
    assert [a.meeting.pk for a in second.context["attendances"]] == [m.pk for m in meetings[25:]]
    html = first.content.decode()
    assert "27 group meetings, newest first" in html
    assert "Page 1 of 2" in html


def test_the_group_meetings_page_shows_the_persons_own_addendum(client, practitioner, person, cafe):
    meeting_of(cafe, practitioner, [person], addenda={person.pk: "Asked about the walking group."})
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/group-meetings/").content.decode()
    assert "<strong>Personal addendum:</strong> Asked about the walking group." in html
    assert "1 group meeting, newest first" in html


def test_the_group_meetings_page_is_audited_as_a_view_of_the_persons_record(
    client, practitioner, person, cafe
):
    _meetings(cafe, practitioner, person, 2)
    client.force_login(practitioner)
    before = AuditEvent.objects.count()
    client.get(f"/people/{person.pk}/group-meetings/")
    row = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert (row.action, row.object_type, row.object_id, row.person_id, row.actor_id) == (
        AuditEvent.Action.VIEW,
        "support.Person",
        str(person.pk),
        person.pk,
        practitioner.pk,
    )


def test_someone_elses_persons_group_meetings_are_404(client, practitioner, others_person):
    client.force_login(practitioner)
    assert client.get(f"/people/{others_person.pk}/group-meetings/").status_code == 404


@pytest.mark.parametrize("meetings", [3, 30])
def test_the_group_meetings_page_query_count_is_flat(
    client, practitioner, person, cafe, meetings, django_assert_num_queries
):
    _meetings(cafe, practitioner, person, meetings)
    client.force_login(practitioner)
    # session, user, person, audit (lock, last hash, insert), unread notifications, the count (pagination), a page
    # of meetings with their groups
    with django_assert_num_queries(9):
        client.get(f"/people/{person.pk}/group-meetings/")


@pytest.mark.dates
@time_machine.travel(MID_MONTH, tick=False)
def test_the_month_table_counts_every_group_meeting_not_only_those_shown(client, practitioner, person, cafe):
    _meetings(cafe, practitioner, person, 14)  # 6 to 19 June
    client.force_login(practitioner)
    months = client.get(f"/people/{person.pk}/").context["area_months"]
    by_area = {row.area.code: row.cells[-1].sessions for row in months.rows}
    assert (months.sessions_per_month[-1], months.group_meetings_per_month[-1]) == (14, 14)
    assert by_area == {"connectedness": 14, "hope": 14, "identity": 0, "meaning": 0, "empowerment": 0}


@pytest.mark.dates
@time_machine.travel(MID_MONTH, tick=False)
def test_a_group_meeting_is_counted_in_the_month_it_was_in_local_time(practitioner, person, cafe):
    meeting = meeting_of(cafe, practitioner, [person])
    meeting.occurred_at = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 June in London
    meeting.save(update_fields=["occurred_at"])
    months = person_months(person).areas
    assert (months.months[-1], months.group_meetings_per_month[-2:]) == (dt.date(2026, 6, 1), [0, 1])
