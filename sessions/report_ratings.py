"""CHIME rating change per area for the commissioners' report, read from each person's ratings in order.

A person's first and last rating in a period cannot be summed by month, so each person's ratings of an area in a view
are kept in order, with their days, in one `RatingHistory` row (kept current by database triggers,
sessions/rollup_triggers.py). A period's first and last are found in each row by two binary searches
(PostgreSQL's `width_bucket` over the sorted days): one row per person, area and view is read, however many
ratings the period holds, and nothing is sorted or looped over in Python.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from sessions.models import RatingHistory, View
from sessions.rollups import counted_people

# A section per view, in this order: the views answer different questions, so they are never mixed.
VIEW_SECTIONS = [
    (view.value, f"CHIME rating change ({view.label[0].lower()}{view.label[1:]})") for view in View
]


def rating_changes(start: dt.date, end: dt.date, people: QuerySet) -> dict[tuple[str, str], tuple]:
    """(view, area) -> (people, average change, went up, same, went down) for [start, end] inclusive, in one
    grouped query: for each person, view and area, `before` is how many of their ratings came before `start` and
    `through` how many by `end`, so the period's ratings are numbers before+1 to through of the row.

    Each `OFFSET 0` keeps PostgreSQL from merging a subquery into the one above it, which would search the days
    again for every use of `before`, `through` and `change` (2.6 times slower on the large benchmark set)."""
    try:
        counted, counted_params = counted_people(people)
    except EmptyResultSet:  # nobody may be counted
        return {}
    sql = f"""
        SELECT rating_view, area, COUNT(*), SUM(change),
               COUNT(*) FILTER (WHERE change > 0), COUNT(*) FILTER (WHERE change = 0),
               COUNT(*) FILTER (WHERE change < 0)
        FROM (
            SELECT rating_view, area, ratings[through] - ratings[before + 1] AS change
            FROM (
                SELECT rating_view, area, ratings,
                       width_bucket(%s::date, days) AS before, width_bucket(%s::date, days) AS through
                FROM {RatingHistory._meta.db_table}
                WHERE TRUE{counted.format("person_id")}
                OFFSET 0
            ) AS counted
            WHERE through - before >= 2
            OFFSET 0
        ) AS changes
        GROUP BY rating_view, area
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [start - dt.timedelta(days=1), end, *counted_params])
        return {
            (view, area): (count, total / count, up, same, down)
            for view, area, count, total, up, same, down in cursor.fetchall()
        }
