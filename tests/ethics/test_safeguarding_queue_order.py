"""The queue's order: overdue first, then by deadline, then concerns with no deadline (issue 11 §2)."""

from __future__ import annotations

import datetime as dt

import time_machine

from ethics.models import Concern
from tests.ethics.safeguarding import raise_concern, walk_to

MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_overdue_concerns_come_first_then_by_deadline_then_those_with_no_deadline(supervisor, person):
    with time_machine.travel(MONDAY_10AM - dt.timedelta(days=14), tick=False):
        overdue = raise_concern(person, level="standard")
        no_deadline = walk_to(raise_concern(person, level="standard"), "no_further_action", supervisor)
    with time_machine.travel(MONDAY_10AM, tick=False):
        later = raise_concern(person, level="standard")  # acknowledge by the end of Tuesday
        sooner = raise_concern(person, level="urgent")  # acknowledge by the end of today
        ordered = list(Concern.objects.open().for_list())
    assert no_deadline.due_at is None
    assert ordered == [overdue, sooner, later, no_deadline]


def test_the_queue_page_lists_the_overdue_concern_above_one_with_no_deadline(client, supervisor, person):
    with time_machine.travel(MONDAY_10AM - dt.timedelta(days=14), tick=False):
        no_deadline = walk_to(raise_concern(person), "no_further_action", supervisor)
        overdue = raise_concern(person)
    with time_machine.travel(MONDAY_10AM, tick=False):
        client.force_login(supervisor)
        assert client.get("/safeguarding/").context["concerns"] == [overdue, no_deadline]
