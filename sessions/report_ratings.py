"""CHIME rating change per area for the commissioners' report: one grouped query over the period's ratings.

Kept apart from sessions/reports.py, whose session figures come from monthly roll-ups: a person's first and last
rating in a period cannot be rolled up by month, so this reads the ratings themselves (one sort, no Python loop).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from sessions.models import SessionArea, SupportSession, View

# A section per view, in this order: the views answer different questions, so they are never mixed.
VIEW_SECTIONS = [
    (view.value, f"CHIME rating change ({view.label[0].lower()}{view.label[1:]})") for view in View
]


def rating_changes(since: dt.datetime, until: dt.datetime, people: QuerySet) -> dict[tuple[str, str], tuple]:
    """(view, area) -> (people, average change, went up, same, went down), in one grouped query.

    One window per (view, area, person), ordered by when the session happened, gives each person's first and last
    rating and how many they gave in a single sort; the outer query keeps one row per person with two or more
    and groups them. Nothing is looped over in Python."""
    people_sql, people_params = people.values("pk").query.sql_with_params()
    sql = f"""
        SELECT view, area, COUNT(*), AVG(last_rating - first_rating),
               COUNT(*) FILTER (WHERE last_rating > first_rating),
               COUNT(*) FILTER (WHERE last_rating = first_rating),
               COUNT(*) FILTER (WHERE last_rating < first_rating)
        FROM (
            SELECT a.rating_view AS view, a.area,
                   FIRST_VALUE(a.rating) OVER w AS first_rating, LAST_VALUE(a.rating) OVER w AS last_rating,
                   COUNT(*) OVER w AS ratings, ROW_NUMBER() OVER w AS n
            FROM {SessionArea._meta.db_table} a
            JOIN {SupportSession._meta.db_table} s ON s.id = a.session_id
            WHERE a.rating IS NOT NULL AND s.occurred_at >= %s AND s.occurred_at < %s
              AND s.person_id IN ({people_sql})
            WINDOW w AS (
                PARTITION BY a.rating_view, a.area, s.person_id ORDER BY s.occurred_at, s.id
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
        ) per_person
        WHERE n = 1 AND ratings >= 2
        GROUP BY view, area
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, *people_params])
        return {(view, area): tuple(rest) for view, area, *rest in cursor.fetchall()}
