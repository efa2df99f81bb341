"""The caseload flags, in words, what needs attention for each person: an open safeguarding concern, a consent
ending within 30 days, new feedback, an overdue follow-up. Consent and safeguarding come through sessions.hooks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sessions.services import review_session
from tests.ethics.safeguarding import raise_concern, walk_to
from tests.factories import ConsentFactory, PersonFactory, SupportSessionFactory


def flags_of(html: str, name: str) -> list[str]:
    row = re.search(rf"<tr>\s*<th scope=\"row\"[^>]*><a [^>]*>{name}</a>.*?</tr>", html, re.S).group(0)
    return re.findall(r'<li class="flag flag-\w+">([^<]+)</li>', row)


@pytest.mark.dates
def test_each_person_has_their_flags_in_words(client, practitioner, supervisor):
    today = timezone.localdate()
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    raise_concern(dee)
    olly = PersonFactory(practitioner=practitioner, preferred_name="Olly")
    SupportSessionFactory(person=olly, follow_up_on=today - dt.timedelta(days=1))
    ConsentFactory(person=olly, expires_on=today + dt.timedelta(days=12))
    fran = PersonFactory(practitioner=practitioner, preferred_name="Fran")
    review_session(session=SupportSessionFactory(person=fran), reviewer=supervisor, comment="Lovely note.")
    PersonFactory(practitioner=practitioner, preferred_name="Quinn")
    client.force_login(practitioner)
    html = client.get("/").content.decode()
    assert flags_of(html, "Dee") == ["Open safeguarding concern"]
    assert flags_of(html, "Olly") == [
        "Follow-up overdue",
        f"Consent ends {today + dt.timedelta(days=12):%-d %b %Y}",
    ]
    assert flags_of(html, "Fran") == ["New feedback"]
    assert flags_of(html, "Quinn") == []


@pytest.mark.dates
def test_no_flag_for_a_closed_concern_a_consent_ending_later_or_feedback_already_read(
    client, practitioner, supervisor, lead
):
    today = timezone.localdate()
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    walk_to(raise_concern(dee), "closed", lead)
    ConsentFactory(person=dee, expires_on=today + dt.timedelta(days=31))
    session = SupportSessionFactory(person=dee)
    review_session(session=session, reviewer=supervisor, comment="Lovely note.")
    review_session(session=SupportSessionFactory(person=dee), reviewer=supervisor, comment="")  # no comment
    client.force_login(practitioner)
    client.get(f"/sessions/{session.pk}/")  # the practitioner reads the feedback
    assert flags_of(client.get("/").content.decode(), "Dee") == []


def test_a_supervisor_sees_the_flags_on_a_supervisees_caseload(client, practitioner, supervisor):
    raise_concern(PersonFactory(practitioner=practitioner, preferred_name="Dee"))
    client.force_login(supervisor)
    assert flags_of(client.get(f"/team/{practitioner.pk}/").content.decode(), "Dee") == [
        "Open safeguarding concern"
    ]


@pytest.mark.parametrize("people", [3, 30])
def test_flags_add_no_query_to_the_caseload(
    client, practitioner, supervisor, people, django_assert_num_queries
):
    for _ in range(people):
        person = PersonFactory(practitioner=practitioner)
        raise_concern(person)
        ConsentFactory(person=person, expires_on=timezone.localdate() + dt.timedelta(days=5))
        review_session(session=SupportSessionFactory(person=person), reviewer=supervisor, comment="Good.")
    client.force_login(practitioner)
    # session, user, audit (lock, last hash, insert), caseload count (pagination), caseload page with each
    # last session, follow-up, plan review date and flag (subqueries of that one query), new feedback count, plans
    # due for review, their unfinished forms, unread notifications
    with django_assert_num_queries(11):
        response = client.get("/")
    assert response.content.decode().count("Open safeguarding concern") == min(people, 25)
