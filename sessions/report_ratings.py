"""CHIME rating change per area for the commissioners' report, read from each person's ratings in order.

A person's first and last rating in a period cannot be summed by month, so each person's ratings of an area in a view
are kept in order, with their days, in one `RatingHistory` row (kept current by database triggers,
sessions/rollup_triggers.py). A period's first and last are found in each row by two binary searches
(PostgreSQL's `width_bucket` over the sorted days): one row per person, area and view is read, however many
ratings the period holds, and nothing is sorted or looped over in Python.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from sessions import rollups
from sessions.models import View
from sessions.rollup_triggers import RATINGS

# A section per view, in this order: the views answer different questions, so they are never mixed.
VIEW_SECTIONS = [
    (view.value, f"CHIME rating change ({view.label[0].lower()}{view.label[1:]})") for view in View
]


def rating_changes(start: dt.date, end: dt.date, people: QuerySet) -> dict[tuple[str, str], tuple]:
    """(view, area) -> (people, average change, went up, same, went down) for [start, end] inclusive, in one
    grouped query over each person's ratings in order (`rollups.changes_in`)."""
    found = rollups.changes_in(RATINGS, start, end, people)
    if found is None:
        return {}
    changes, params = found
    sql = f"""
        SELECT rating_view, area, COUNT(*), SUM(change),
               COUNT(*) FILTER (WHERE change > 0), COUNT(*) FILTER (WHERE change = 0),
               COUNT(*) FILTER (WHERE change < 0)
        FROM ({changes}) AS changes
        GROUP BY rating_view, area
    """  # noqa: S608 - built from the models' names, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (view, area): (count, total / count, up, same, down)
            for view, area, count, total, up, same, down in cursor.fetchall()
        }
