"""CHIME rating change per area for the commissioners' report, read from each person's ratings in order.

A person's first and last rating in a period cannot be summed by month, so each person's ratings of an area in a view
are kept in order, with their days, in one `RatingHistory` row (kept current by database triggers,
sessions/rollup_triggers.py). A period's first and last are found in each row by two binary searches
(PostgreSQL's `width_bucket` over the sorted days): one row per person, area and view is read, however many
ratings the period holds, and nothing is sorted, nor looped over person by person in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
    periods: list[tuple[dt.date, dt.date]], people: QuerySet, parts: tuple[int, ...] = rollups.ALL_PARTS
) -> list[dict[int, dict[tuple[str, str], tuple]]]:
    """For each period [start, end] inclusive, and each of `parts` of the people (`rollups.PARTS`): (view, area) ->
    (people, total change, went up, same, down), from one query over each person's ratings in order, read once for
    all the periods (`rollups.changes_in`). The parts hold different people, so their figures add up (`added`).

    The query counts the people by part, view, area and their change in each period (a change is -4 to +4, or
    none, so for two periods at most 16 parts x 3 views x 5 areas x 10 x 10 rows come back), and the figures are
    added up from those: one count per row grouped. Ten aggregates per period over every row took 67 ms on the
    large benchmark set, where this takes 55."""
    changes: list[dict[int, dict[tuple[str, str], tuple]]] = [{part: {} for part in parts} for _ in periods]
    found = rollups.changes_in(RATINGS, periods, people, parts)
    if found is None:
        return changes
    per_person, params = found
    each = ", ".join(f"change{i}" for i in range(len(periods)))
    sql = f"SELECT part, rating_view, area, {each}, COUNT(*) FROM ({per_person}) AS changes GROUP BY part, rating_view, area, {each}"  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, view, area, *found_in, people_count in cursor.fetchall():
            for period, change in enumerate(found_in):
                if change is not None:  # None: fewer than two ratings in the period
                    figures = changes[period][part].setdefault((view, area), [0, 0, 0, 0, 0])
                    figures[0] += people_count
                    figures[1] += change * people_count
                    figures[2 if change > 0 else 3 if change == 0 else 4] += people_count  # up, same, down
    return [
        {part: {key: tuple(figures) for key, figures in found.items()} for part, found in by_part.items()}
        for by_part in changes
    ]


def added(parts: Iterable[dict[tuple[str, str], tuple]]) -> dict[tuple[str, str], tuple]:
    """The rating change figures of different people's parts (`rating_changes`), added up."""
    total: dict[tuple[str, str], list[int]] = {}
    for figures in parts:
        for key, found in figures.items():
            total[key] = [a + b for a, b in zip(total.get(key, [0] * len(found)), found, strict=True)]
    return {key: tuple(found) for key, found in total.items()}
