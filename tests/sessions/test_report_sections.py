"""The commissioners' report as a report: sections with a chart each, the previous period beside every figure (each
suppressed on its own), a definition for every figure, CHIME rating change per area, and a printed running head."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sessions.models import SessionArea
from sessions.report_charts import section_chart
from sessions.report_definitions import DEFINITIONS
from sessions.reports import SUPPRESSED, commissioners_report, previous_range, report_for
from tests.factories import PersonFactory, SupportSessionFactory

LONDON = ZoneInfo("Europe/London")
NOVEMBER = dt.datetime(2026, 11, 22, 12, tzinfo=LONDON)  # the default range is then July to September 2026
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=LONDON)


def _rate(person, day: str, view: str = "own", **ratings: int):
    session = SupportSessionFactory(person=person, occurred_at=_at(day), areas=list(ratings))
    for area, rating in ratings.items():
        SessionArea.objects.filter(session=session, area=area).update(rating=rating, rating_view=view)
    return session


def _figures(report, section: str) -> dict[str, tuple[str, str]]:
    return {
        line.row.label: (line.row.value, line.previous.value)
        for s in report.sections()
        for line in s.lines
        if s.title == section
    }


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        ("2026-07-01", "2026-09-30", ("2026-04-01", "2026-06-30")),  # a quarter: the quarter before
        ("2026-01-01", "2026-03-31", ("2025-10-01", "2025-12-31")),  # across the new year
        (
            "2028-03-01",
            "2028-03-31",
            ("2028-02-01", "2028-02-29"),
        ),  # a month: the month before, leap February
        ("2026-01-01", "2026-12-31", ("2025-01-01", "2025-12-31")),  # a year
        ("2026-03-10", "2026-03-19", ("2026-02-28", "2026-03-09")),  # ten days: the ten days before
        ("2028-03-01", "2028-03-01", ("2028-02-29", "2028-02-29")),  # one day
    ],
)
def test_the_previous_period_is_the_same_length_just_before(start, end, before):
    found = previous_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert found == tuple(dt.date.fromisoformat(day) for day in before)


@pytest.mark.dates
@pytest.mark.parametrize(
    ("today", "period", "previous"),
    [
        (
            dt.datetime(2027, 1, 1, 0, 30, tzinfo=LONDON),
            "1 Oct 2026 to 31 Dec 2026",
            "1 Jul 2026 to 30 Sep 2026",
        ),
        (
            dt.datetime(2028, 2, 29, 23, 30, tzinfo=LONDON),
            "1 Oct 2027 to 31 Dec 2027",
            "1 Jul 2027 to 30 Sep 2027",
        ),
    ],
)
def test_the_default_report_shows_the_last_quarter_and_the_one_before(
    client, admin_user, today, period, previous
):
    with time_machine.travel(today, tick=False):
        client.force_login(admin_user)
        html = client.get("/reports/").content.decode()
    assert f"CHIME to Thrive: {period}</p>" in html
    assert f"the previous period, {previous}." in html


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_each_figure_is_suppressed_on_its_own_in_each_period(practitioner):
    people = [PersonFactory(practitioner=practitioner) for _ in range(6)]
    for person in people:  # six this quarter, three the quarter before
        SupportSessionFactory(
            person=person, occurred_at=_at("2026-08-10"), areas=["hope"], duration_minutes=30
        )
    for person in people[:3]:
        SupportSessionFactory(person=person, occurred_at=_at("2026-05-10"), areas=["identity"])
    summary = _figures(report_for(*Q3), "Summary")
    assert summary == {
        "People supported": ("6", SUPPRESSED),
        "Sessions": ("6", SUPPRESSED),
        "Hours of support": ("3.0", "fewer than 5 sessions"),
    }
    areas = _figures(report_for(*Q3), "CHIME area coverage")
    assert areas["Hope and optimism about the future: sessions"] == ("6", SUPPRESSED)
    assert areas["Hope and optimism about the future: share of sessions"] == (
        "100%",
        "not shown (small numbers)",
    )
    assert areas["Identity: people"] == (SUPPRESSED, SUPPRESSED)


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_the_previous_period_is_the_same_function_run_over_the_period_before(practitioner):
    for _ in range(7):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner), occurred_at=_at("2026-06-30"))
    report = report_for(*Q3)
    before = commissioners_report(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert [line.previous for line in report.lines()] == before.rows
    assert _figures(report, "Summary")["Sessions"] == (SUPPRESSED, "7")


@pytest.fixture
def ratings(practitioner):
    """Hope, in their own view, July to September: eight people rated it at least twice (five up, one the same,
    two down); one rated it once this quarter and once before (not counted). April to June: five people, all down.
    One person's practitioner also rated Hope twice: a view of its own, never mixed with theirs."""
    people = [PersonFactory(practitioner=practitioner) for _ in range(10)]
    this_quarter = [
        (2, 3, 4),
        (3, 4),
        (4, 2),
        (3, 3),
        (1, 5),
        (5, 4),
        (1, 2),
        (2, 4),
    ]  # changes +2 +1 -2 0 +4 -1 +1 +2
    for person, series in zip(people, this_quarter, strict=False):
        for i, rating in reversed(
            list(enumerate(series))
        ):  # saved last first: the order is by when they happened
            _rate(person, f"2026-0{7 + i}-15", hope=rating)
    _rate(people[8], "2026-06-15", hope=1)
    _rate(people[8], "2026-08-15", hope=5)
    _rate(people[0], "2026-07-20", view="practitioner", hope=5)
    _rate(people[0], "2026-08-20", view="practitioner", hope=1)
    for person in people[:5]:
        _rate(person, "2026-04-15", hope=4)
        _rate(person, "2026-05-15", hope=3)
    _rate(people[9], "2026-08-01", identity=3)  # one rating of identity: nobody counted
    return people


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_rating_change_per_area_compares_first_and_last_ratings_within_one_view(ratings):
    own = _figures(report_for(*Q3), "CHIME rating change (their own view)")
    hope = "Hope and optimism about the future"
    assert own[f"{hope}: people with two or more ratings"] == ("8", "5")
    assert own[f"{hope}: average change, first to last"] == ("+0.9", "-1.0")  # 7 / 8; 5 × -1 / 5
    assert own[f"{hope}: went up"] == ("5", SUPPRESSED)
    assert own[f"{hope}: stayed the same"] == (SUPPRESSED, SUPPRESSED)
    assert own[f"{hope}: went down"] == (SUPPRESSED, "5")
    assert own["Identity: people with two or more ratings"] == (SUPPRESSED, SUPPRESSED)
    assert own["Identity: average change, first to last"] == ("not shown (small numbers)",) * 2
    practitioners = _figures(report_for(*Q3), "CHIME rating change (the practitioner's view)")
    assert practitioners[f"{hope}: people with two or more ratings"] == (SUPPRESSED, SUPPRESSED)


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_rating_change_counts_only_people_who_consented_when_required(ratings, settings):
    settings.CHIME_REPORTS_REQUIRE_CONSENT = True
    own = _figures(report_for(*Q3), "CHIME rating change (their own view)")
    assert own["Hope and optimism about the future: people with two or more ratings"] == (
        SUPPRESSED,
        SUPPRESSED,
    )


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_every_figure_has_a_definition_and_every_definition_is_used(ratings):
    report = report_for(*Q3)
    used = {line.row.code for line in report.lines()}
    assert used <= set(DEFINITIONS)
    # the other codes belong to rows that appear only in other circumstances
    assert set(DEFINITIONS) - used == {"concerns", "measure_no_threshold", "concerns_not_recorded"}


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_the_csv_has_the_previous_period_and_the_definition_of_each_figure(client, admin_user, ratings):
    client.force_login(admin_user)
    response = client.get("/reports/csv/", {"start": "2026-07-01", "end": "2026-09-30"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["section", "figure", "value", "previous period", "definition"]
    assert [
        "CHIME rating change (their own view)",
        "Hope and optimism about the future: went down",
        SUPPRESSED,
        "5",
        "Of the people with two or more ratings of this area in the period, in this view: how many rated it lower "
        "last time than first time.",
    ] in rows
    assert all(len(row) == 5 and row[4] for row in rows)


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_each_section_has_a_titled_chart_a_table_and_its_definitions(client, admin_user, ratings):
    client.force_login(admin_user)
    html = client.get("/reports/").content.decode()
    sections = re.findall(r'<section class="report-section"(.*?)</section>', html, re.S)
    assert len(sections) == len(report_for(*Q3).sections())
    summary = sections[0]
    assert (
        '<figcaption class="chart-title fw-semibold mb-1">Summary: this period beside the previous period'
        in summary
    )
    assert (
        '<caption class="visually-hidden">Summary: this period and the previous period</caption>' in summary
    )
    assert (
        "<dt>People supported</dt><dd>Different people with at least one of the one-to-one sessions"
        in summary
    )
    assert "<dt>Hours of support</dt>" in summary


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_suppressed_counts_are_drawn_as_a_hatched_mark_never_to_size(ratings):
    section = next(s for s in report_for(*Q3).sections() if s.title == "CHIME rating change (their own view)")
    chart = section_chart(section)
    hope = {pair.label: pair.bars for pair in chart.pairs}["Hope and optimism about the future: went up"]
    assert [(bar.period, bar.length, bar.value) for bar in hope] == [
        ("This period", 100.0, "5"),  # the widest bar in the chart: nothing else reaches 5
        ("Previous period", None, SUPPRESSED),
    ]
    assert chart.note.startswith("A hatched mark means fewer than 5")
    assert "Hope and optimism about the future: average change, first to last" not in {
        p.label for p in chart.pairs
    }


@pytest.mark.dates
@time_machine.travel(NOVEMBER, tick=False)
def test_the_printed_running_head_carries_the_period_and_the_date_produced_safely_escaped(
    client, admin_user, settings
):
    settings.CHIME_ORGANISATION_NAME = 'Peers "&" Co </style>'
    client.force_login(admin_user)
    response = client.get("/reports/")
    html = response.content.decode()
    head = re.search(r'<style nonce="[^"]+">(.*?)</style>', html).group(1)
    assert (
        '@top-left { content: "Peers \\22 \\26 \\22  Co \\3c \\2f style\\3e \\3a  report for 1 Jul 2026'
        in head
    )
    assert '@top-right { content: "Produced 22 Nov 2026"; }' in head
    assert "style-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_a_start_before_1900_is_refused_with_a_message(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/reports/", {"start": "0001-01-01", "end": "0001-03-31"})
    assert "Choose a start date in 1900 or later." in response.content.decode()
