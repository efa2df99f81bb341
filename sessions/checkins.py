"""The person's own check-ins, read for pages: month by month for the charts and tables, and the latest ones.

A check-in is the person's own rating of a CHIME area, given in their own view whenever they like (writes are
`services.record_check_in`). It is never a session's rating: every chart and table keeps the two apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Avg, Count, Max, QuerySet
from django.db.models.functions import TruncMonth

from sessions.insights import AreaMonths, area_rows, shown_months
from sessions.models import CheckIn, Person
from sessions.rollup_triggers import day_of, month_of

LATEST_SHOWN = 10


def rating_months(ratings: QuerySet, when: str) -> AreaMonths:
    """The last twelve months of `ratings` (rows with an `area` and a `rating`, dated by the field `when`): per
    month and area, how many and their average (one query). Each cell's `sessions` counts ratings here, so the
    shared month-table and chart code reads it."""
    months, since = shown_months()
    grouped = (
        ratings.filter(**{f"{when}__gte": since})
        .annotate(month=TruncMonth(when))
        .values("month", "area")
        .annotate(sessions=Count("pk"), average_rating=Avg("rating"))
        .order_by()
    )
    return _month_table(months, {(row["month"].date(), row["area"]): row for row in grouped})


def _month_table(months: list[dt.date], cells: dict[tuple[dt.date, str], dict]) -> AreaMonths:
    """The month table from `cells` ((month, area code) -> {"sessions": how many, "average_rating": x})."""
    rows = area_rows(months, cells)
    per_month = [sum(row.cells[i].sessions for row in rows) for i in range(len(months))]
    return AreaMonths(months=months, rows=rows, sessions_per_month=per_month)


def check_in_months(person: Person) -> AreaMonths:
    """The last twelve months of the person's check-ins, per month and area (one query)."""
    return rating_months(CheckIn.objects.filter(person=person), "checked_in_at")


@dataclass(frozen=True)
class CheckInSummary:
    """What the practitioner's person page shows of the person's own check-ins."""

    months: AreaMonths
    latest: list[CheckIn]
    new_since: dt.datetime | None  # their last session: check-ins after it are new to the practitioner


def latest_check_ins(person: Person, limit: int = LATEST_SHOWN) -> list[CheckIn]:
    """Their latest check-ins, newest first (one query)."""
    return list(CheckIn.objects.filter(person=person).order_by("-checked_in_at", "pk")[:limit])


def _months_and_latest(person: Person, limit: int = LATEST_SHOWN) -> tuple[AreaMonths, list[CheckIn]]:
    """`check_in_months` and `latest_check_ins` in one query (UNION ALL of the two). A row with an id is one of the
    latest; a row without is a (month, area) count and average, the month as its first day in the organisation's
    time zone. Written as SQL: the person page sends it on every view, and building the ORM union took longer than
    running it (as `insights._person_figures`)."""
    months, since = shown_months()
    table = CheckIn._meta.db_table
    sql = f"""
        (SELECT id, area, rating, words, checked_in_at, NULL::date, NULL::bigint, NULL::float
         FROM {table} WHERE person_id = %s ORDER BY checked_in_at DESC, id LIMIT %s)
        UNION ALL
        SELECT NULL, area, NULL, NULL, NULL, {month_of(day_of("checked_in_at"))}, COUNT(*),
               AVG(rating)::float
        FROM {table} WHERE person_id = %s AND checked_in_at >= %s GROUP BY 6, 2
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [person.pk, limit, person.pk, since])
        found = cursor.fetchall()
    cells, check_ins = {}, []
    for pk, area, rating, words, moment, month, n, average in found:
        if pk is None:
            cells[(month, area)] = {"sessions": n, "average_rating": average}
        else:
            check_ins.append(
                CheckIn(pk=pk, person=person, area=area, rating=rating, words=words, checked_in_at=moment)
            )
    check_ins.sort(key=lambda c: (-c.checked_in_at.timestamp(), c.pk))  # a union keeps no order of its own
    return _month_table(months, cells), check_ins


_ASK = object()


def for_person_page(person: Person, *, last_session: dt.datetime | None | object = _ASK) -> CheckInSummary:
    """Check-ins for the practitioner's person page, each marked new when it came after the last session (two
    queries: the months with the latest, and the last session; one when the page knows `last_session`, when their
    latest session was, None for none)."""
    if last_session is _ASK:
        last_session = person.sessions.aggregate(last=Max("occurred_at"))["last"]
    months, latest = _months_and_latest(person)
    for check_in in latest:
        check_in.is_new = last_session is None or check_in.checked_in_at > last_session
    return CheckInSummary(months, latest, last_session)
