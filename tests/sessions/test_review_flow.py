"""Supervisors review in a flow: "next awaiting review" on each session page, and the breadcrumb returns to the
list of sessions awaiting review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sessions.services import review_session
from tests.factories import PersonFactory, SupportSessionFactory


@pytest.fixture
def three_sessions(practitioner):
    """Newest first, as the review queue lists them: 1, 2 and 3 days ago."""
    person = PersonFactory(practitioner=practitioner)
    now = timezone.now()
    return [SupportSessionFactory(person=person, occurred_at=now - dt.timedelta(days=d)) for d in (1, 2, 3)]


def next_link(client, session) -> str | None:
    context = client.get(f"/sessions/{session.pk}/").context
    following = context["next_to_review"]
    return following.pk if following else None


@pytest.mark.dates
def test_each_session_page_offers_the_next_one_awaiting_review(client, supervisor, three_sessions):
    newest, middle, oldest = three_sessions
    client.force_login(supervisor)
    assert [next_link(client, s) for s in three_sessions] == [middle.pk, oldest.pk, newest.pk]
    html = client.get(f"/sessions/{newest.pk}/").content.decode()
    assert f'<a href="/sessions/{middle.pk}/">Next awaiting review: session on ' in html


@pytest.mark.dates
def test_reviewed_sessions_are_skipped_and_the_last_one_says_so(client, supervisor, three_sessions):
    newest, middle, oldest = three_sessions
    review_session(session=middle, reviewer=supervisor)
    review_session(session=oldest, reviewer=supervisor)
    client.force_login(supervisor)
    assert next_link(client, newest) is None
    assert (
        "No other sessions of Sam Okafor’s are awaiting review."
        in client.get(f"/sessions/{newest.pk}/").content.decode()
    )


@pytest.mark.dates
def test_mark_as_reviewed_then_open_the_next(client, supervisor, three_sessions):
    newest, middle, _ = three_sessions
    client.force_login(supervisor)
    response = client.post(f"/sessions/{newest.pk}/review/", {"comment": "", "then": "next"})
    assert response["Location"] == f"/sessions/{middle.pk}/"
    assert (
        client.post(f"/sessions/{middle.pk}/review/", {"comment": ""})["Location"]
        == f"/sessions/{middle.pk}/"
    )


def test_the_supervisors_breadcrumb_returns_to_the_list_awaiting_review(
    client, supervisor, practitioner, three_sessions
):
    client.force_login(supervisor)
    html = client.get(f"/sessions/{three_sessions[0].pk}/").content.decode()
    crumbs = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert f'href="/team/{practitioner.pk}/sessions/?review=awaiting"' in crumbs
    assert "Sam Okafor’s sessions awaiting review" in crumbs


def test_the_practitioner_sees_their_own_breadcrumb_and_no_review_flow(client, practitioner, three_sessions):
    client.force_login(practitioner)
    response = client.get(f"/sessions/{three_sessions[0].pk}/")
    crumbs = response.content.decode().split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/"' in crumbs and "awaiting review" not in crumbs
    assert response.context["next_to_review"] is None
