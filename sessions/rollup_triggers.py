"""The database triggers that keep the report's monthly roll-ups (`SessionMonth`) current.

Every INSERT, UPDATE and DELETE on sessions and on their area notes, however it is made (a form, a bulk update,
a COPY in `seed_demo --scale`, erasure), adds its change to the (person, month) rows it touches, in the same
transaction. The triggers are statement-level with transition tables, so a COPY of 25,000 sessions is one
grouped upsert, not 25,000. A row left all zero (its last session moved away) is deleted, so each table always
equals a recount (`sessions.rollups.differences()`) row for row. There are two tables: one row per person per
month (`SessionMonth`, for the whole months of a report's range) and per person per day (`SessionDay`, for the
days at its edges), in the organisation's time zone (settings.TIME_ZONE), as the report's date range is.
This module imports no model (sessions/models.py builds its triggers from it); the table names are the models'.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings

from chime.framework import AREAS

MONTH_TABLE = "support_sessionmonth"
DAY_TABLE = "support_sessionday"
SESSION_TABLE = "support_supportsession"
AREA_TABLE = "support_sessionarea"
SIGNPOST_TABLE = "support_sessionsignpost"
AREA_CODES = tuple(area.code for area in AREAS)
COUNTS = ("sessions", "minutes", "signposted", *AREA_CODES)
# Each roll-up table, its key column, and that key from a session's local date (`day`).
ROLLUPS = {MONTH_TABLE: ("month", "date_trunc('month', day)::date"), DAY_TABLE: ("day", "day")}


def day_of(column: str) -> str:
    """SQL: the local calendar date of a timestamp column (the organisation's time zone)."""
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


def signposted(session: str) -> str:
    """SQL: 1 if the session was signposted (somewhere typed in, or a service from the directory), else 0: the one
    definition the report's "Sessions with signposting" and "People signposted" count by."""
    return (
        f"({session}.signposted_to <> '' OR EXISTS"  # noqa: S608 - names from the models, no values
        f" (SELECT 1 FROM {SIGNPOST_TABLE} l WHERE l.session_id = {session}.id))::int"
    )


def session_rows(table: str, sign: int, where: str = "TRUE") -> str:
    """SQL: one row per session in `table` (those matching `where`): (person_id, day, counts…), its counts
    including its area notes and directory signposts as stored now, times `sign`."""
    areas = ", ".join(f"{sign} * COUNT(a.id) FILTER (WHERE a.area = '{code}')" for code in AREA_CODES)
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, {sign}, {sign} * s.duration_minutes,"  # noqa: S608 - names from the models, no values
        f" {sign} * {signposted('s')}, {areas}"
        f" FROM {table} s LEFT JOIN {AREA_TABLE} a ON a.session_id = s.id WHERE {where}"
        " GROUP BY s.id, s.person_id, s.occurred_at, s.duration_minutes, s.signposted_to"
    )


def area_rows(table: str, sign: int) -> str:
    """SQL: one row per area note in `table`, counted in its session's (person, day), times `sign`."""
    areas = ", ".join(f"{sign} * (a.area = '{code}')::int" for code in AREA_CODES)
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, 0, 0, 0, {areas}"  # noqa: S608 - names from the models, no values
        f" FROM {table} a JOIN {SESSION_TABLE} s ON s.id = a.session_id"
    )


def signpost_rows(table: str, sign: int) -> str:
    """SQL: a session whose first directory signpost was added (sign 1), or whose last was removed (sign -1), in
    `table`, and which names nowhere typed in, starts or stops counting as signposted in its (person, day)."""
    zeros = ", ".join("0" for _ in AREA_CODES)
    now = f"(SELECT COUNT(*) FROM {SIGNPOST_TABLE} l WHERE l.session_id = t.session_id)"  # noqa: S608
    became = f"{now} = t.changed" if sign > 0 else f"{now} = 0"
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, 0, 0, {sign}, {zeros}"  # noqa: S608 - names, no values
        f" FROM (SELECT session_id, COUNT(*) AS changed FROM {table} GROUP BY session_id) t"
        f" JOIN {SESSION_TABLE} s ON s.id = t.session_id WHERE s.signposted_to = '' AND {became}"
    )


def rolled_up(rows: str, table: str) -> str:
    """SQL: `rows` (person_id, day, counts…) summed per row of roll-up `table` (person_id, key, counts…)."""
    columns = ", ".join(COUNTS)
    _, key = ROLLUPS[table]
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    return f"SELECT person_id, {key}, {sums} FROM ({rows}) AS d (person_id, day, {columns}) GROUP BY 1, 2"  # noqa: S608


def _apply(*rows: str) -> str:
    """PL/pgSQL: add the summed rows to each roll-up table, then delete the rows they left all zero."""
    columns = ", ".join(COUNTS)
    added = ", ".join(f"{c} = m.{c} + EXCLUDED.{c}" for c in COUNTS)
    changed = " OR ".join(f"SUM({c}) <> 0" for c in COUNTS)
    zero = " AND ".join(f"up.{c} = 0" for c in COUNTS)
    union = " UNION ALL ".join(rows)
    body = ""
    for table, (key, bucket) in ROLLUPS.items():
        body += (
            f"WITH up AS ("  # noqa: S608 - names from the models, no values
            f" INSERT INTO {table} AS m (person_id, {key}, {columns})"
            f" SELECT person_id, {bucket}, {', '.join(f'SUM({c})' for c in COUNTS)}"
            f" FROM ({union}) AS d (person_id, day, {columns})"
            f" GROUP BY 1, 2 HAVING {changed} ORDER BY 1, 2"
            f" ON CONFLICT (person_id, {key}) DO UPDATE SET {added}"
            f" RETURNING m.id, {', '.join(f'm.{c}' for c in COUNTS)}"
            f") SELECT array_agg(up.id) INTO emptied FROM up WHERE {zero};"
            f" IF emptied IS NOT NULL THEN DELETE FROM {table} WHERE id = ANY(emptied); END IF; "
        )
    return body + "RETURN NULL;"


class RollupTrigger(pgtrigger.Trigger):
    """A statement-level AFTER trigger keeping the roll-ups current. Erasure never skips it
    (`chime.personal_data.past_protections` leaves triggers with `keeps_figures_current` running)."""

    keeps_figures_current = True
    when = pgtrigger.After
    level = pgtrigger.Statement
    declare = [("emptied", "bigint[]")]


def on_sessions() -> list[pgtrigger.Trigger]:
    return [
        RollupTrigger(
            name="rollup_sessions_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_apply(session_rows("new_rows", 1)),
        ),
        RollupTrigger(
            name="rollup_sessions_changed",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_apply(session_rows("old_rows", -1), session_rows("new_rows", 1)),
        ),
        RollupTrigger(
            name="rollup_sessions_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_apply(session_rows("old_rows", -1)),
        ),
    ]


def on_areas() -> list[pgtrigger.Trigger]:
    return [
        RollupTrigger(
            name="rollup_areas_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_apply(area_rows("new_rows", 1)),
        ),
        RollupTrigger(
            name="rollup_areas_changed",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_apply(area_rows("old_rows", -1), area_rows("new_rows", 1)),
        ),
        RollupTrigger(
            name="rollup_areas_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_apply(area_rows("old_rows", -1)),
        ),
    ]


def on_signposts() -> list[pgtrigger.Trigger]:
    """A session's first directory signpost makes it signposted, and removing its last one undoes that. Links are
    added and removed, never changed in place (a changed link would move a signpost without these triggers)."""
    return [
        RollupTrigger(
            name="rollup_signposts_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_apply(signpost_rows("new_rows", 1)),
        ),
        RollupTrigger(
            name="rollup_signposts_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_apply(signpost_rows("old_rows", -1)),
        ),
        pgtrigger.Protect(name="signposts_are_added_or_removed_never_changed", operation=pgtrigger.Update),
    ]
