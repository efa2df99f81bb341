"""CHIME rating change per area for the commissioners' report, read from each person's ratings in order.

A person's first and last rating in a period cannot be summed by month, so each person's ratings of an area in a view
are kept in order, with their days, in one `RatingHistory` row (kept current by database triggers,
sessions/rollup_triggers.py). A period's first and last are found in each row by two binary searches
(PostgreSQL's `width_bucket` over the sorted days): one row per person, area and view is read, however many
ratings the period holds, and nothing is sorted or looped over in Python.
"""

from __future__ import annotations

import datetime as dt
from itertools import batched

from django.db import connection
from django.db.models import QuerySet

from sessions import rollups
from sessions.models import View
from sessions.rollup_triggers import RATINGS

# A section per view, in this order: the views answer different questions, so they are never mixed.
VIEW_SECTIONS = [
    (view.value, f"CHIME rating change ({view.label[0].lower()}{view.label[1:]})") for view in View
]


def rating_changes(
    periods: list[tuple[dt.date, dt.date]], people: QuerySet
) -> list[dict[tuple[str, str], tuple]]:
    """For each period [start, end] inclusive: (view, area) -> (people, average change, went up, same, went down),
    in one grouped query over each person's ratings in order, read once for all the periods (`rollups.changes_in`)."""
    found = rollups.changes_in(RATINGS, periods, people)
    changes: list[dict[tuple[str, str], tuple]] = [{} for _ in periods]
    if found is None:
        return changes
    per_person, params = found
    figures = ", ".join(
        f"COUNT(change{i}), SUM(change{i}), COUNT(*) FILTER (WHERE change{i} > 0),"
        f" COUNT(*) FILTER (WHERE change{i} = 0), COUNT(*) FILTER (WHERE change{i} < 0)"
        for i in range(len(periods))
    )
    sql = f"SELECT rating_view, area, {figures} FROM ({per_person}) AS changes GROUP BY rating_view, area"  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for view, area, *found_in in cursor.fetchall():
            for period, (count, total, up, same, down) in enumerate(batched(found_in, 5)):
                if count:
                    changes[period][(view, area)] = (count, total / count, up, same, down)
    return changes
