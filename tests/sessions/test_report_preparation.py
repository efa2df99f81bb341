"""The ranges commissioners usually ask for are offered as quick choices on the report page and prepared ahead by
the background worker, so each is found kept even the first time it is opened (sessions/reports.py,
`usual_ranges`, `prepare_usual_ranges`; sessions/tasks.py).

These tests commit (`transaction=True`): kept figures are never used in the transaction that changed what they
count.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command

from sessions import tasks
from sessions.models import KeptFigures
from sessions.reports import prepare_usual_ranges, usual_ranges
from sessions.rollup_triggers import PARTS
from tests.factories import PersonFactory, SupportSessionFactory

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
D = dt.date

# The usual ranges on 15 June 2026, and the previous period the report shows beside each: 12 periods in all.
USUAL_ON_15_JUNE_2026 = [
    ("Last month", (D(2026, 5, 1), D(2026, 5, 31))),
    ("Last quarter", (D(2026, 1, 1), D(2026, 3, 31))),
    ("Last 12 months", (D(2025, 6, 1), D(2026, 5, 31))),
    ("This financial year so far", (D(2026, 4, 1), D(2026, 6, 15))),
    ("Last financial year", (D(2025, 4, 1), D(2026, 3, 31))),
    ("Last calendar year", (D(2025, 1, 1), D(2025, 12, 31))),
]
PERIODS = 12


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 6, 15), [found for _, found in USUAL_ON_15_JUNE_2026]),
        (  # the first day of a year: last month, quarter and year are all of the year just gone
            D(2027, 1, 1),
            [
                (D(2026, 12, 1), D(2026, 12, 31)),
                (D(2026, 10, 1), D(2026, 12, 31)),
                (D(2026, 1, 1), D(2026, 12, 31)),
                (D(2026, 4, 1), D(2027, 1, 1)),
                (D(2025, 4, 1), D(2026, 3, 31)),
                (D(2026, 1, 1), D(2026, 12, 31)),
            ],
        ),
        (  # a leap day
            D(2024, 2, 29),
            [
                (D(2024, 1, 1), D(2024, 1, 31)),
                (D(2023, 10, 1), D(2023, 12, 31)),
                (D(2023, 2, 1), D(2024, 1, 31)),
                (D(2023, 4, 1), D(2024, 2, 29)),
                (D(2022, 4, 1), D(2023, 3, 31)),
                (D(2023, 1, 1), D(2023, 12, 31)),
            ],
        ),
        (  # the first day of a financial year: it is a day long so far
            D(2026, 4, 1),
            [
                (D(2026, 3, 1), D(2026, 3, 31)),
                (D(2026, 1, 1), D(2026, 3, 31)),
                (D(2025, 4, 1), D(2026, 3, 31)),
                (D(2026, 4, 1), D(2026, 4, 1)),
                (D(2025, 4, 1), D(2026, 3, 31)),
                (D(2025, 1, 1), D(2025, 12, 31)),
            ],
        ),
    ],
)
def test_the_usual_ranges_on_any_day(today, expected):
    assert [found for _, found in usual_ranges(today)] == expected
    assert [name for name, _ in usual_ranges(today)] == [name for name, _ in USUAL_ON_15_JUNE_2026]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def seen(practitioner, frozen):
    """Six people, each seen in May and in January 2026."""
    people = [PersonFactory(practitioner=practitioner) for _ in range(6)]
    for person in people:
        for when in (
            dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC),
            dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC),
        ):
            SupportSessionFactory(person=person, occurred_at=when, areas=["hope"])
    return people


@pytest.mark.django_db(transaction=True)
def test_preparing_works_out_each_usual_range_once_and_then_only_what_changed(practitioner, seen):
    assert prepare_usual_ranges(NOW.date()) == PERIODS * PARTS
    assert KeptFigures.objects.count() == PERIODS * PARTS
    assert prepare_usual_ranges(NOW.date()) == 0  # nothing changed: all found kept
    # A session saved today sets aside its person's part of the one usual period holding today
    SupportSessionFactory(person=seen[0], occurred_at=NOW)
    assert prepare_usual_ranges(NOW.date()) == 1
    assert prepare_usual_ranges(NOW.date()) == 0


@pytest.mark.django_db(transaction=True)
def test_a_usual_range_opened_for_the_first_time_finds_its_figures_prepared(
    client, admin_user, seen, django_assert_num_queries
):
    prepare_usual_ranges(NOW.date())
    client.force_login(admin_user)
    # The report's 23 queries worked out (test_kept_figures.py), less the 5 costly ones: found kept
    with django_assert_num_queries(23 - 5):
        prepared = _rows(
            client.get("/reports/", {"start": "2026-05-01", "end": "2026-05-31"}).content.decode()
        )
    assert (
        '<tr data-section="Summary"><th scope="row">People supported</th><td>6</td><td>fewer than 5</td>'
        in prepared[0]
    )
    KeptFigures.objects.all().delete()
    worked_out = _rows(client.get("/reports/", {"start": "2026-05-01", "end": "2026-05-31"}).content.decode())
    assert worked_out == prepared


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr data-section=.*?</tr>", html, flags=re.S)


@pytest.mark.django_db(transaction=True)
def test_the_worker_prepares_them_and_queues_its_next_run(seen):
    assert tasks.prepare_report_figures.call() == PERIODS * PARTS
    assert tasks.schedule_preparation() is False  # the run queued the next one itself


@pytest.mark.django_db
def test_the_preparation_is_queued_once():
    assert tasks.schedule_preparation() is True
    assert tasks.schedule_preparation() is False


@pytest.mark.django_db(transaction=True)
def test_the_command_says_how_many_it_worked_out(seen, capsys):
    call_command("prepare_report_figures")
    call_command("prepare_report_figures")
    call_command("prepare_report_figures", "--in-background")
    call_command("prepare_report_figures", "--in-background")
    assert capsys.readouterr().out == (
        f"{PERIODS * PARTS} report figures worked out (per period and part of the people).\n"
        "0 report figures worked out (per period and part of the people).\n"
        "Report figures queued for the background worker.\n"
        "Report figures already queued.\n"
    )


@pytest.mark.django_db
def test_the_report_page_offers_the_usual_ranges_and_marks_the_one_shown(client, admin_user, frozen):
    client.force_login(admin_user)
    html = client.get("/reports/").content.decode()  # the default: last quarter
    links = re.findall(
        r'<a class="btn btn-sm ([\w-]+)" href="\?start=([\d-]+)&amp;end=([\d-]+)"( aria-current)?', html
    )
    assert links == [
        (
            "btn-secondary" if name == "Last quarter" else "btn-outline-secondary",
            f"{start}",
            f"{end}",
            " aria-current" if name == "Last quarter" else "",
        )
        for name, (start, end) in USUAL_ON_15_JUNE_2026
    ]
    assert '>Last 12 months<span class="visually-hidden">: 1 Jun 2025 to 31 May 2026</span></a>' in html
    chosen = client.get("/reports/", {"start": "2025-06-01", "end": "2026-05-31"}).content.decode()
    assert re.findall(r'href="\?start=([\d-]+)&amp;end=([\d-]+)" aria-current="page"', chosen) == [
        ("2025-06-01", "2026-05-31")
    ]
