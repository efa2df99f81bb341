"""Deadlines in working hours and days, with the bank holidays of England and Wales, on a frozen clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ethics import working_time
from tests.ethics.safeguarding import raise_concern

LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("level", "acknowledge_by", "act_by"),
    [
        ("immediate", at(2026, 11, 30, 10, 0), at(2026, 11, 30, 13, 0)),
        ("urgent", at(2026, 11, 30, 17, 0), at(2026, 12, 1, 17, 0)),
        ("standard", at(2026, 12, 1, 17, 0), at(2026, 12, 7, 17, 0)),
    ],
)
def test_a_concern_raised_on_a_friday_evening_counts_from_monday_morning(
    person, level, acknowledge_by, act_by
):
    with time_machine.travel(at(2026, 11, 27, 19, 30), tick=False):
        concern = raise_concern(person, level=level)
    assert (concern.acknowledge_by, concern.act_by) == (acknowledge_by, act_by)
    assert concern.due_at == concern.acknowledge_by


def test_an_immediate_concern_late_on_friday_afternoon_carries_its_hour_over_the_weekend(person):
    with time_machine.travel(at(2026, 11, 27, 16, 30), tick=False):
        concern = raise_concern(person, level="immediate")
    assert concern.acknowledge_by == at(2026, 11, 30, 9, 30)


def test_an_urgent_concern_raised_in_working_hours_is_due_the_same_day(person):
    with time_machine.travel(at(2026, 11, 24, 11, 0), tick=False):
        concern = raise_concern(person, level="urgent")
    assert concern.acknowledge_by == at(2026, 11, 24, 17, 0)


def test_a_concern_raised_before_christmas_skips_the_bank_holidays(person):
    # Christmas Day is a Friday in 2026 and Boxing Day a Saturday, so the Monday after is a bank holiday too.
    with time_machine.travel(at(2026, 12, 24, 15, 0), tick=False):
        concern = raise_concern(person, level="standard")
    assert concern.acknowledge_by == at(2026, 12, 29, 17, 0)


def test_an_urgent_concern_raised_on_the_evening_before_good_friday_is_due_the_tuesday_after_easter(person):
    with time_machine.travel(at(2026, 4, 2, 18, 0), tick=False):
        concern = raise_concern(person, level="urgent")
    assert concern.acknowledge_by == at(2026, 4, 7, 17, 0)


def test_bank_holidays_come_from_the_holidays_package_not_a_hand_typed_list():
    assert not working_time.is_working_day(dt.date(2027, 5, 31))  # Spring bank holiday 2027
    assert working_time.is_working_day(dt.date(2027, 6, 1))


def test_the_organisation_can_change_its_working_day(settings, person):
    settings.CHIME_WORKING_DAY_START = dt.time(8, 0)
    settings.CHIME_WORKING_DAY_END = dt.time(16, 0)
    with time_machine.travel(at(2026, 11, 27, 19, 30), tick=False):
        concern = raise_concern(person, level="immediate")
    assert concern.acknowledge_by == at(2026, 11, 30, 9, 0)


def test_the_organisation_can_change_an_urgency_deadline(person):
    from tests.ethics.safeguarding import urgency

    level = urgency("standard")
    level.acknowledge_within, level.acknowledge_unit = 3, "working_hours"
    level.save()
    with time_machine.travel(at(2026, 11, 24, 15, 0), tick=False):
        concern = raise_concern(person, level="standard")
    assert concern.acknowledge_by == at(2026, 11, 25, 10, 0)
