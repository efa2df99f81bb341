"""Working hours and working days, for safeguarding deadlines.

A working day is Monday to Friday, except the bank holidays of England and Wales (from the `holidays` package,
never typed in by hand). The working day runs from CHIME_WORKING_DAY_START to CHIME_WORKING_DAY_END, local time.
Deadlines are counted forward from a moment:
- `add_working_hours(start, n)`: n hours of working time after `start` (out-of-hours moments count from the next
  working day's start);
- `end_of_working_day(start, n)`: the end of the working day `start` falls in (or the next one, when `start` is
  after hours or not on a working day), then n working days later. n=0 is "the same working day".
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone

WEEKEND = {5, 6}  # Saturday, Sunday


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=settings.CHIME_BANK_HOLIDAY_REGION, years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() not in WEEKEND and day not in _bank_holidays(day.year)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _day_start(day: dt.date) -> dt.datetime:
    return _at(day, settings.CHIME_WORKING_DAY_START)


def _day_end(day: dt.date) -> dt.datetime:
    return _at(day, settings.CHIME_WORKING_DAY_END)


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _working_day_of(moment: dt.datetime) -> dt.date:
    """The working day a moment counts towards: its own day if it is a working day before closing time."""
    local = timezone.localtime(moment)
    day = local.date()
    if is_working_day(day) and local < _day_end(day):
        return day
    return next_working_day(day)


def end_of_working_day(start: dt.datetime, working_days: int = 0) -> dt.datetime:
    """Closing time of the working day `start` counts towards, plus `working_days` further working days."""
    day = _working_day_of(start)
    for _ in range(working_days):
        day = next_working_day(day)
    return _day_end(day)


def working_days_after(day: dt.date, working_days: int) -> dt.date:
    """The working day `working_days` working days after `day` (10 after a Monday is the Monday fortnight)."""
    for _ in range(working_days):
        day = next_working_day(day)
    return day


def closing_time(day: dt.date) -> dt.datetime:
    """The end of the working day on `day`, local time."""
    return _day_end(day)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` of working time after `start`."""
    day = _working_day_of(start)
    moment = max(timezone.localtime(start), _day_start(day))
    remaining = dt.timedelta(hours=hours)
    while remaining > _day_end(day) - moment:
        remaining -= _day_end(day) - moment
        day = next_working_day(day)
        moment = _day_start(day)
    return moment + remaining
