"""The `date` filter's fast path (chime/templatetags/fast_dates.py) writes exactly what Django's own filter does."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.template import defaultfilters as django_filters
from django.utils import translation

from chime.templatetags import fast_dates

LONDON = zoneinfo.ZoneInfo("Europe/London")
FORMATS = [None, "DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "SHORT_DATE_FORMAT",
           "Y-m-d", "j M Y, H:i", r"\o\n j M", "D j F Y", "TIME_FORMAT"]  # fmt: skip
DAYS = [dt.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)] + [dt.date(987, 2, 3)]
MOMENTS = [
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON),
    dt.datetime(2026, 12, 31, 23, 5, 7, tzinfo=LONDON),
    dt.datetime(2026, 6, 1, 9, 0),  # noqa: DTZ001 - a naive one too
]


def _django(value, arg):
    try:
        return django_filters.date(value, arg)
    except TypeError as refused:
        return f"TypeError: {refused}"


def _ours(value, arg):
    try:
        return fast_dates.date(value, arg)
    except TypeError as refused:
        return f"TypeError: {refused}"


@pytest.mark.parametrize("arg", FORMATS)
def test_every_day_and_moment_is_written_as_django_writes_it(arg):
    assert [_ours(value, arg) for value in DAYS + MOMENTS] == [
        _django(value, arg) for value in DAYS + MOMENTS
    ]


def test_anything_else_is_left_to_django():
    assert [fast_dates.date(value) for value in (None, "", "2026-01-01", dt.time(9, 30))] == [
        django_filters.date(value) for value in (None, "", "2026-01-01", dt.time(9, 30))
    ]


def test_month_names_follow_the_language_in_use():
    with translation.override("fr"):
        assert fast_dates.date(dt.date(2026, 2, 3)) == django_filters.date(dt.date(2026, 2, 3))
    assert fast_dates.date(dt.date(2026, 2, 3)) == "3 Feb 2026"


def test_templates_use_the_fast_filter_with_local_time():
    moment = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 July in London
    rendered = Template('{{ moment|date }} · {{ moment|date:"DATETIME_FORMAT" }}').render(
        Context({"moment": moment})
    )
    assert rendered == "1 Jul 2026 · 1 Jul 2026, 00:30"
    assert Template("").engine.template_builtins[-1].filters["date"] is fast_dates.date
