"""The anonymised report for commissioners: small numbers suppressed, no names, and the CSV matches the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from sessions.reports import (
    SUPPRESSED,
    commissioners_report,
    default_range,
    previous_range,
    report_for,
    shown,
)
from tests.factories import PersonFactory, SupportSessionFactory


def _today() -> dt.date:
    # Read at each use, not once at import: `make test-dates` runs these tests as if today were other days.
    return timezone.localdate()


def _last_60_days() -> dict[str, str]:
    return {"start": (_today() - dt.timedelta(days=60)).isoformat(), "end": _today().isoformat()}


@pytest.fixture
def activity(practitioner):
    """Six people, one session each (two touching Hope), and three signposted; one old session out of range."""
    people = [PersonFactory(practitioner=practitioner, preferred_name=f"Named{i}") for i in range(6)]
    for i, person in enumerate(people):
        SupportSessionFactory(
            person=person,
            areas=["hope", "identity"] if i < 2 else ["identity"],
            signposted_to="Citizens Advice" if i < 3 else "",
            duration_minutes=60,
        )
    SupportSessionFactory(person=people[0], occurred_at=timezone.now() - dt.timedelta(days=400))
    return people


def _figures(report) -> dict[str, str]:
    return {row.label: row.value for row in report.rows}


def test_counts_below_five_are_shown_as_fewer_than_five():
    assert [shown(n) for n in (0, 1, 4, 5, 1234)] == [SUPPRESSED, SUPPRESSED, SUPPRESSED, "5", "1,234"]


@pytest.mark.dates
def test_report_counts_people_sessions_hours_areas_and_signposting(activity):
    figures = _figures(commissioners_report(_today() - dt.timedelta(days=60), _today()))
    assert figures["People supported"] == "6"
    assert figures["Sessions"] == "6"
    assert figures["Hours of support"] == "6.0"
    assert figures["Identity: sessions"] == "6" and figures["Identity: share of sessions"] == "100%"
    assert figures["Hope and optimism about the future: sessions"] == SUPPRESSED  # 2 sessions
    assert figures["Hope and optimism about the future: share of sessions"] == "not shown (small numbers)"
    assert figures["Sessions with signposting"] == SUPPRESSED  # 3 sessions
    assert figures["All concerns"] == "fewer than 5"  # none were raised in this range


@pytest.mark.dates
def test_a_small_range_suppresses_everything_derived_from_small_numbers(activity):
    figures = _figures(
        commissioners_report(_today() - dt.timedelta(days=500), _today() - dt.timedelta(days=300))
    )
    assert figures["Sessions"] == SUPPRESSED and figures["People supported"] == SUPPRESSED
    assert figures["Hours of support"] == "fewer than 5 sessions"


@pytest.mark.dates
def test_only_people_who_consented_to_anonymised_reporting_are_counted_when_required(activity, settings):
    from ethics.models import SharingPurpose
    from sessions import services
    from tests.factories import ConsentFactory, ConsentWordingFactory

    wording = ConsentWordingFactory(purpose=SharingPurpose.objects.get(name="Anonymised reporting"))
    for person in activity[:5]:
        ConsentFactory(person=person, wording=wording, recipient="Commissioners")
    ConsentFactory(person=activity[5], recipient="Commissioners")  # another purpose: does not count
    window = (_today() - dt.timedelta(days=60), _today())
    for person in activity:  # a goal each, and a step done this week
        goal = services.add_goal(
            person=person, actor=person.practitioner, in_their_words="Swim.", areas=["hope"]
        )
        done = services.StepDetails(what="Buy goggles", done_on=_today() - dt.timedelta(days=3))
        services.add_step(goal=goal, actor=person.practitioner, step=done)
    figures = _figures(commissioners_report(*window))
    assert (figures["People supported"], figures["Goals set"], figures["Steps completed"]) == ("6", "6", "6")
    settings.CHIME_REPORTS_REQUIRE_CONSENT = True
    figures = _figures(commissioners_report(*window))
    assert figures["People supported"] == "5" and figures["Identity: people"] == "5"
    assert (figures["Goals set"], figures["Steps completed"]) == ("5", "5")


def test_the_report_page_names_nobody(client, admin_user, activity):
    client.force_login(admin_user)
    html = client.get("/reports/", _last_60_days()).content.decode()
    assert "People supported" in html and "Named" not in html and "Citizens Advice" not in html


@pytest.mark.dates
def test_the_csv_matches_the_page(client, admin_user, activity):
    client.force_login(admin_user)
    html = client.get("/reports/", _last_60_days()).content.decode()
    page_rows = [
        tuple(unescape(cell) for cell in found)
        for found in re.findall(
            r'<tr data-section="([^"]*)"><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>',
            html,
        )
    ]
    response = client.get("/reports/csv/", _last_60_days())
    assert response["Content-Type"].startswith("text/csv") and response.streaming
    csv_rows = [tuple(row) for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))]
    assert csv_rows[0] == ("section", "figure", "value", "previous period", "definition")
    assert [row[:4] for row in csv_rows[1:]] == page_rows and len(page_rows) > 10


def test_downloading_the_csv_is_audited_as_an_export(client, admin_user, activity):
    client.force_login(admin_user)
    b"".join(client.get("/reports/csv/", _last_60_days()).streaming_content)
    assert AuditEvent.objects.filter(
        action="export", object_type="commissioners report", actor=admin_user
    ).exists()


def test_a_backwards_range_is_refused_with_a_message(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/reports/", {"start": _today().isoformat(), "end": "2000-01-01"})
    assert "The end date must be on or after the start date." in response.content.decode()
    assert (
        client.get("/reports/csv/", {"start": _today().isoformat(), "end": "2000-01-01"}).status_code == 400
    )


@pytest.mark.parametrize("user", ["practitioner", "supervisor", "outsider"])
def test_reports_are_for_admins_only(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/csv/").status_code == 404


def test_the_default_range_is_the_last_full_quarter():
    assert default_range(dt.date(2026, 11, 22)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert default_range(dt.date(2026, 2, 3)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize("people", [2, 30])
def test_report_query_count_is_flat(client, admin_user, practitioner, people, django_assert_num_queries):
    for _ in range(people):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner), areas=["hope", "meaning"])
    client.force_login(admin_user)
    # session, user; then, for both periods together: a savepoint (the test's transaction holds the report's), parallel
    # workers and JIT off, rating change per area, measure results, the measures offered, group meetings and their
    # areas, brief contacts (in all, signposted, and by kind of service), goals set and steps done; for each period
    # (2 each, so the page makes a fixed number, whatever the data): session totals, areas and register counts (one
    # query, from the roll-ups), safeguarding concerns by type and outcome; the savepoint's release; then audit
    # (lock, last hash, insert), unread notifications; and 2 for the kept figures (sessions/kept_figures.py): looking
    # for them (never found in the transaction that saved the sessions) and keeping those worked out
    with django_assert_num_queries(2 + 8 + 2 * 2 + 1 + 4 + 2):
        client.get("/reports/", _last_60_days())


@pytest.mark.dates
def test_concerns_are_counted_by_type_and_outcome_with_small_numbers_suppressed(activity):
    from tests.ethics.safeguarding import raise_concern

    for person in activity:
        raise_concern(person, type="financial")
    raise_concern(activity[0], type="neglect")
    figures = _figures(commissioners_report(_today() - dt.timedelta(days=60), _today()))
    assert figures["Financial or material: still open"] == "6"
    assert figures["Neglect and acts of omission: still open"] == "fewer than 5"


@pytest.mark.dates
def test_distance_travelled_counts_people_with_two_measures_and_change_by_the_threshold(activity):
    from sessions import services
    from tests.factories import qpr15_measure

    measure = qpr15_measure()
    for i, person in enumerate(activity):
        first, last = (30, 36) if i < 5 else (30, 32)  # five better by 5 or more, one within 5
        for days_ago, total in ((50, first), (10, last)):
            answers = [total // 15 + (1 if n < total % 15 else 0) for n in range(15)]
            services.record_measure(
                person=person,
                measure=measure,
                actor=person.practitioner,
                answers=answers,
                view="own",
                occasion="review",
                taken_on=_today() - dt.timedelta(days=days_ago),
            )
        services.add_goal(person=person, actor=person.practitioner, in_their_words="Swim.", areas=["hope"])
    figures = _figures(commissioners_report(_today() - dt.timedelta(days=60), _today()))
    assert figures["People with at least two in the period"] == "6"
    assert figures["Average change, first to last"] == "+5.3"  # (5 × 6 + 2) / 6
    assert (
        figures["Better by at least 5 (the published minimum important difference (within a person))"] == "5"
    )
    assert figures["Within 5 either way"] == SUPPRESSED
    assert figures["Harder by at least 5"] == SUPPRESSED
    assert figures["Goals set"] == "6"


@pytest.mark.dates
def test_distance_travelled_is_reckoned_for_each_period_apart_when_both_are_read_together(activity):
    """Each person's results are read once for the report and the period before it, and each period still compares
    only its own first and last: five people better by 6 the month before, then harder by 6 this month; one person
    with a single result in each period is in neither."""
    from sessions import services
    from tests.factories import qpr15_measure

    measure = qpr15_measure()
    totals = {55: 30, 35: 36, 25: 36, 5: 30}  # days ago: total
    for i, person in enumerate(activity):
        for days_ago, total in totals.items() if i < 5 else ((35, 30), (25, 40)):
            services.record_measure(
                person=person,
                measure=measure,
                actor=person.practitioner,
                answers=[total // 15 + (1 if n < total % 15 else 0) for n in range(15)],
                view="own",
                occasion="review",
                taken_on=_today() - dt.timedelta(days=days_ago),
            )
    start = _today() - dt.timedelta(days=29)
    report = report_for(start, _today())
    lines = {line.row.label: (line.row.value, line.previous.value) for line in report.lines()}
    assert lines["People with at least two in the period"] == ("5", "5")
    assert lines["Average change, first to last"] == ("-6.0", "+6.0")
    assert lines["Harder by at least 5"] == ("5", SUPPRESSED)
    assert lines["Better by at least 5 (the published minimum important difference (within a person))"] == (
        SUPPRESSED,
        "5",
    )
    assert [line.previous for line in report.lines()] == commissioners_report(
        *previous_range(start, _today())
    ).rows
