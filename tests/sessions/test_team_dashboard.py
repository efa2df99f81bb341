"""The supervisor's dashboard: figures checked against hand-built data, access, and a flat query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from sessions import services
from sessions.supervision import team_dashboard
from tests.factories import PersonFactory, PractitionerFactory, SupportSessionFactory


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def team(supervisor, practitioner):
    """Sam's caseload, built by hand so every figure is known.

    - Dee: seen 3 days ago, follow-up next week (recent, fine)
    - Olly: seen 40 days ago, follow-up passed (not seen, overdue)
    - Fran: joined 60 days ago, never seen (not seen)
    - Kim: joined yesterday, never seen (not counted as not seen)
    - Ended: support ended (not on the caseload)
    Sessions: Dee's (3 days ago) is reviewed; Olly's two (40 and 70 days ago) are not. Only the 40-day one is
    in the 60-day review window, and neither is in the last 30 days.
    """
    today = timezone.localdate()
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    reviewed = SupportSessionFactory(
        person=dee, occurred_at=_days_ago(3), follow_up_on=today + dt.timedelta(7)
    )
    services.review_session(session=reviewed, reviewer=supervisor, comment="")
    olly = PersonFactory(practitioner=practitioner, preferred_name="Olly")
    SupportSessionFactory(person=olly, occurred_at=_days_ago(70), follow_up_on=today - dt.timedelta(60))
    SupportSessionFactory(person=olly, occurred_at=_days_ago(40), follow_up_on=today - dt.timedelta(20))
    PersonFactory(practitioner=practitioner, preferred_name="Fran", support_started=today - dt.timedelta(60))
    PersonFactory(practitioner=practitioner, preferred_name="Kim", support_started=today - dt.timedelta(1))
    PersonFactory(
        practitioner=practitioner,
        preferred_name="Ended",
        support_started=today - dt.timedelta(90),
        support_ended=today - dt.timedelta(5),
    )
    return practitioner


@pytest.mark.dates
def test_dashboard_figures_match_the_hand_built_caseload(supervisor, team):
    (row,) = team_dashboard(supervisor)
    assert row.practitioner == team
    assert (row.caseload, row.recent_sessions, row.not_seen, row.overdue_follow_ups, row.awaiting_review) == (
        4,
        1,
        2,
        1,
        1,
    )
    assert row.open_concerns == 0  # placeholder until safeguarding concerns are merged


def test_each_figure_links_to_the_list_behind_it(client, supervisor, team):
    client.force_login(supervisor)
    html = client.get("/team/").content.decode()
    for link in (
        f"/team/{team.pk}/",
        f"/team/{team.pk}/sessions/?period=30",
        f"/team/{team.pk}/?seen=not_recently",
        f"/team/{team.pk}/?follow_up=overdue",
        f"/team/{team.pk}/sessions/?review=awaiting",
    ):
        assert f'href="{link}"' in html


@pytest.mark.dates
def test_the_lists_behind_the_figures_show_the_same_people(client, supervisor, team):
    client.force_login(supervisor)
    not_seen = client.get(f"/team/{team.pk}/?seen=not_recently").content.decode()
    assert "Olly" in not_seen and "Fran" in not_seen and "Dee" not in not_seen and "Kim" not in not_seen
    overdue = client.get(f"/team/{team.pk}/?follow_up=overdue").content.decode()
    assert "Olly" in overdue and "Fran" not in overdue
    awaiting = client.get(f"/team/{team.pk}/sessions/?review=awaiting")
    assert [s.person.preferred_name for s in awaiting.context["page"]] == ["Olly"]


def test_a_supervisor_sees_only_their_own_supervisees(client, supervisor, team, other_practitioner):
    client.force_login(supervisor)
    rows = client.get("/team/").context["rows"]
    assert [row.practitioner for row in rows] == [team]
    assert client.get(f"/team/{other_practitioner.pk}/sessions/").status_code == 404


@pytest.mark.parametrize("user", ["practitioner", "admin_user", "outsider"])
def test_the_dashboard_is_404_for_anyone_who_is_not_a_supervisor(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get("/team/").status_code == 404


def test_opening_the_dashboard_is_audited(client, supervisor, team):
    client.force_login(supervisor)
    client.get("/team/")
    assert AuditEvent.objects.filter(action="view", object_type="team dashboard", actor=supervisor).exists()


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_query_count_does_not_grow_with_the_team(
    client, supervisor, size, django_assert_num_queries
):
    for _ in range(size):
        member = PractitionerFactory(supervisor=supervisor)
        for _ in range(size):
            SupportSessionFactory(person=PersonFactory(practitioner=member))
    client.force_login(supervisor)
    # session, user, open flags on notes (issue 12), audit (lock, last hash, insert), team, caseload figures,
    # session figures, open concerns, group meetings facilitated, their named attendances, unread notifications
    with django_assert_num_queries(13):
        response = client.get("/team/")
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("sessions", [2, 30])
def test_session_queue_query_count_is_flat(
    client, supervisor, practitioner, sessions, django_assert_num_queries
):
    person = PersonFactory(practitioner=practitioner)
    for _ in range(sessions):
        SupportSessionFactory(person=person, areas=["hope", "meaning"])
    client.force_login(supervisor)
    # session, user, supervisee, audit (lock, last hash, insert), count, page of sessions with person and review,
    # their areas, unread notifications
    with django_assert_num_queries(10):
        client.get(f"/team/{practitioner.pk}/sessions/?review=awaiting&area=hope&order=-when")


@pytest.mark.parametrize("people", [2, 30])
def test_filtered_supervisee_caseload_query_count_is_flat(
    client, supervisor, practitioner, people, django_assert_num_queries
):
    for _ in range(people):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner), occurred_at=_days_ago(40))
    client.force_login(supervisor)
    # session, user, supervisee, audit (lock, last hash, insert), count, page, unread notifications
    with django_assert_num_queries(9):
        response = client.get(f"/team/{practitioner.pk}/?seen=not_recently&order=-last_seen")
    assert len(response.context["caseload"]) == min(people, 25)


def test_the_dashboard_counts_group_meetings_and_everyone_who_came(client, supervisor, practitioner):
    from tests.groups import group_of, meeting_of

    cafe = group_of(practitioner)
    meeting_of(cafe, practitioner, [PersonFactory(practitioner=practitioner) for _ in range(2)], anonymous=3)
    meeting_of(cafe, practitioner, [], anonymous=4, days_ago=40)  # outside the 30 days
    client.force_login(supervisor)
    row = client.get("/team/").context["rows"][0]
    assert (row.recent_group_meetings, row.recent_attendances) == (1, 5)
