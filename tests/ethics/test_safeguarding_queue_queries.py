"""The safeguarding queue's query count does not depend on how many concerns it shows, what state each is in, how
urgent, overdue or escalated they are, or who is reading it.

`make bench` once saw 9 queries on the small data set and 12 on the large one, varying between requests. The 9 is
this page's 7 plus the BEGIN and COMMIT around the audit row (the bench runs outside a test transaction); the 3 more
are the idle timer's once-a-minute session write (BEGIN, UPDATE django_session, COMMIT), which falls on whichever
request comes a minute after the last one, on any page. Both are pinned here, so neither can hide an N+1.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ethics.models import Concern
from ethics.services.safeguarding import escalate_overdue
from tests.ethics.safeguarding import raise_concern, walk_to
from tests.factories import AdminFactory, PersonFactory

STATES = ["raised", "acknowledged", "action_planned", "referred", "no_further_action", "closed"]
LEVELS = ["immediate", "urgent", "standard"]


def _concerns(practitioner, supervisor, count: int) -> None:
    """`count` concerns in every state and urgency; some past their deadline and escalated up to the admins."""
    for n in range(count):
        concern = raise_concern(PersonFactory(practitioner=practitioner), level=LEVELS[n % len(LEVELS)])
        walk_to(concern, STATES[n % len(STATES)], supervisor)
    for days in (30, 40, 50):  # one level at a time: supervisors, leads, admins
        escalate_overdue(now=timezone.now() + dt.timedelta(days=days))


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("reader", ["supervisor", "lead", "admin"])
def test_the_queue_query_count_is_the_same_for_1_or_20_concerns_in_any_state(
    request, client, practitioner, supervisor, reader, count, django_assert_num_queries
):
    viewer = AdminFactory() if reader == "admin" else request.getfixturevalue(reader)
    _concerns(practitioner, supervisor, count)
    client.force_login(viewer)
    client.get("/safeguarding/")  # the first page after signing in starts the idle timer (a session write)
    # session, user, concerns with person/urgency/raiser, audit (lock, last hash, insert), unread notifications
    with django_assert_num_queries(7):
        response = client.get("/safeguarding/")
    expected = Concern.objects.open()
    if reader == "admin":
        expected = expected.filter(escalation_level__gte=Concern.Escalation.ADMINS)
    assert {c.pk for c in response.context["concerns"]} == set(expected.values_list("pk", flat=True))
    assert expected.exists()


@pytest.mark.dates
def test_the_idle_timers_session_write_adds_three_queries_once_a_minute_on_any_page(
    client, supervisor, django_assert_num_queries
):
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(supervisor)
        client.get("/safeguarding/")
        clock.shift(dt.timedelta(seconds=59))
        with django_assert_num_queries(8):  # 7, and the empty queue asks whether others are open
            client.get("/safeguarding/")
        clock.shift(dt.timedelta(seconds=1))
        # the same 8, then the session's new "last seen": savepoint, update, release inside the test's transaction
        with django_assert_num_queries(11):
            client.get("/safeguarding/")
