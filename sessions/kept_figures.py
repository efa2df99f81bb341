"""The commissioners' report's costly figures, kept once worked out and used again until what they count changes.

Working out a period's session figures, CHIME rating change and distance travelled reads a row or more per person
counted (sessions/rollups.py), so it grows with the people supported. Those figures are kept per period and per
part of the people (`KeptFigures`; a person is in part `person_id % PARTS`, sessions/rollup_triggers.py), with the
PostgreSQL snapshot they were worked out in, and used again while no change to what they count has committed
since. Each part's figures count different people, so they add up to everyone's; a session saved sets aside its
person's part only, and the next report works out that sixteenth of the people again, not all of them.

What counts as a change: the triggers that keep the roll-ups current (sessions/rollup_triggers.py, `noted`) also
write a `FigureChange` row naming the month each change falls in, the part of the people whose records changed and
the transaction that made it; a change to consent for reporting names every period (`EVERYTHING`) and every part
(`EVERY_PART`). Kept figures are used only when every change to their part and a month they cover is visible in
their snapshot, that is, was committed before they were worked out (`pg_visible_in_snapshot`). A change still
being made while they were worked out, or committed after, is not visible in it, so it sets them aside once it
commits; so does one made earlier in the same transaction. Ranges of months are compared, so an edit in March sets
aside a year holding March and leaves last quarter's figures.

Figures are kept per period, so the previous period beside a report is found again as the next report's. They are
also kept per `basis`: the rule deciding whom the report counts (the consent filter's SQL, with the day it is
applied on) and the version of how figures are worked out (`FIGURES_VERSION`: raise it with any change to that).
Kept figures are deleted after 31 days. A change is deleted once every kept figure's snapshot holds it (it had
committed), and it is over an hour old: a report still being worked out, whose snapshot is not kept yet, takes
seconds, so only a change whose transaction stayed open for an hour and committed during those seconds could be
deleted before that report keeps its figures.

The periods commissioners usually ask for (`reports.usual_ranges`: last month, last quarter, the last 12 months,
this financial year so far, the last financial and calendar years, each with its previous period) are prepared
ahead by the background worker (`sessions.tasks.prepare_report_figures`, every few minutes, `prepare`): it works
out whatever part is missing or set aside, so a report of one of them finds its figures kept even the first time
it is opened on a day. Any other range is worked out when first asked for, and kept from then on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from sessions import report_ratings
from sessions.rollup_triggers import CHANGE_TABLE, EVERY_PART, EVERYTHING, KEPT_TABLE
from sessions.rollups import ALL_PARTS, SessionFigures

# Raise with any change to how the kept figures are worked out, so figures worked out the old way are not used.
FIGURES_VERSION = 1
KEPT_FOR = dt.timedelta(days=31)
CHANGES_KEPT_FOR = dt.timedelta(hours=1)
Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class PeriodFigures:
    """A period's costly figures, for a part of the people or for everyone: its session figures
    (`rollups.session_figures_by_part`), its CHIME rating change ((view, area) -> (people, total change, went up,
    same, went down), `report_ratings.rating_changes`) and its distance travelled (measure id -> [(first-to-last
    change, people)]). Each is a count or a total, so the figures of different parts add up (`added`)."""

    sessions: SessionFigures
    ratings: dict[tuple[str, str], tuple]
    measures: dict[int, list[tuple]]

    @classmethod
    def added(cls, parts: Iterable[PeriodFigures]) -> PeriodFigures:
        parts = list(parts)
        measures: dict[int, Counter] = {}
        for figures in parts:
            for measure, found in figures.measures.items():
                for change, count in found:
                    measures.setdefault(measure, Counter())[change] += count
        return cls(
            sessions=SessionFigures.added(figures.sessions for figures in parts),
            ratings=report_ratings.added(figures.ratings for figures in parts),
            measures={measure: sorted(found.items()) for measure, found in measures.items()},
        )

    def as_json(self) -> dict:
        return {
            "sessions": [self.sessions.totals, self.sessions.by_area, self.sessions.by_kind],
            "ratings": [[*key, *found] for key, found in self.ratings.items()],
            "measures": {
                str(measure): [[str(change), count] for change, count in found]
                for measure, found in self.measures.items()
            },
        }

    @classmethod
    def from_json(cls, kept: dict) -> PeriodFigures:
        return cls(
            sessions=SessionFigures(*kept["sessions"]),
            ratings={(view, area): tuple(found) for view, area, *found in kept["ratings"]},
            measures={
                int(measure): [(Decimal(change), count) for change, count in found]
                for measure, found in kept["measures"].items()
            },
        )


# How the figures missing are worked out (`reports._costly_figures`): for each period, each part's figures.
WorkOut = Callable[[list[Period], QuerySet, tuple[int, ...]], list[dict[int, PeriodFigures]]]


def figures_for(
    periods: list[Period],
    people: QuerySet,
    work_out: WorkOut,
) -> list[PeriodFigures]:
    """Each period's figures, everyone's: each part of the people's (`PARTS`) kept, where still true, and the rest
    worked out and kept (`_kept_or_worked_out`), all the parts then added up. Two queries more than working them
    out; one in all when all are kept."""
    found, _ = _kept_or_worked_out(periods, people, work_out)
    return [PeriodFigures.added(found[period, part] for part in ALL_PARTS) for period in periods]


def prepare(
    periods: list[Period],
    people: QuerySet,
    work_out: WorkOut,
) -> int:
    """Work out and keep the parts of `periods` not kept, or set aside since, so that the report finds them kept
    (the background preparation of the periods commissioners usually ask for, `reports.prepare_usual_ranges`).
    Returns how many (period, part) figures were worked out: 0, in one query, when all were still kept."""
    _, worked = _kept_or_worked_out(periods, people, work_out)
    return worked


def _kept_or_worked_out(
    periods: list[Period],
    people: QuerySet,
    work_out: WorkOut,
) -> tuple[dict[tuple[Period, int], PeriodFigures], int]:
    """Each (period, part)'s figures: kept, where still true, and the rest from `work_out(periods, people, parts)`
    for the periods missing a part, and the parts missing from any of them, then kept; and how many were worked
    out."""
    basis = _basis(people)
    snapshot, found = _kept(periods, basis)
    wanted = list(dict.fromkeys(periods))
    missing = {part for period in wanted for part in ALL_PARTS if (period, part) not in found}
    if not missing:
        return found, 0
    parts = tuple(sorted(missing))
    incomplete = [period for period in wanted if any((period, part) not in found for part in parts)]
    worked = {
        (period, part): figures
        for period, by_part in zip(incomplete, work_out(incomplete, people, parts), strict=True)
        for part, figures in by_part.items()
    }
    _keep(snapshot, basis, worked)
    found.update(worked)
    return found, len(worked)


def _basis(people: QuerySet) -> str:
    """A hash of whom the report counts and how: the consent filter's SQL and parameters (among them the day it
    is applied on, where consent is checked by date), the time zone days are counted in, and FIGURES_VERSION."""
    sql, params = people.order_by().values("pk").query.sql_with_params()
    rule = repr((FIGURES_VERSION, settings.TIME_ZONE, sql, [str(p) for p in params]))
    return hashlib.sha256(rule.encode()).hexdigest()


def _kept(periods: list[Period], basis: str) -> tuple[str, dict[tuple[Period, int], PeriodFigures]]:
    """This statement's snapshot (taken before any figure is worked out, so anything committed after it sets the
    figures worked out now aside), and the kept figures of each part of the people still true for any of
    `periods`: those no change to their part (or to every part) and to a month they cover has committed since."""
    wanted = ", ".join("(%s::date, %s::date)" for _ in periods)
    sql = f"""
        SELECT pg_current_snapshot()::text, k.first, k.last, k.part, k.figures
        FROM (SELECT 1) AS one
        LEFT JOIN {KEPT_TABLE} k ON k.basis = %s AND (k.first, k.last) IN ({wanted}) AND NOT EXISTS (
            SELECT 1 FROM {CHANGE_TABLE} c
            WHERE c.xact >= pg_snapshot_xmin(k.snapshot::pg_snapshot)::text::bigint
              AND (c.part = k.part OR c.part = %s)
              AND (c.month = %s::date OR (c.month >= date_trunc('month', k.first) AND c.month <= k.last))
              AND NOT pg_visible_in_snapshot(c.xact::text::xid8, k.snapshot::pg_snapshot)
        )
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [basis, *(day for period in periods for day in period), EVERY_PART, EVERYTHING])
        rows = cursor.fetchall()
    found = {
        ((first, last), part): PeriodFigures.from_json(json.loads(kept))
        for _, first, last, part, kept in rows
        if first is not None
    }
    return rows[0][0], found


def _keep(snapshot: str, basis: str, worked: dict[tuple[Period, int], PeriodFigures]) -> None:
    """Keep the figures worked out in `snapshot` (replacing any set aside), delete those kept past KEPT_FOR, and
    delete the changes over CHANGES_KEPT_FOR old that have committed and that every kept figure's snapshot, this
    one's among them, holds, in one statement. Reports kept at once never wait on each other in a cycle: periods
    and parts are written in order, and what another is deleting is skipped (SKIP LOCKED), left for the next."""
    now = timezone.now()
    rows = ", ".join("(%s::date, %s::date, %s, %s, %s, %s::jsonb, %s)" for _ in worked)
    values = [
        value
        for ((first, last), part), figures in sorted(worked.items())
        for value in (first, last, part, basis, snapshot, json.dumps(figures.as_json()), now)
    ]
    sql = f"""
        WITH kept AS (
            INSERT INTO {KEPT_TABLE} (first, last, part, basis, snapshot, figures, worked_out_at) VALUES {rows}
            ON CONFLICT (first, last, basis, part) DO UPDATE
            SET snapshot = EXCLUDED.snapshot, figures = EXCLUDED.figures, worked_out_at = EXCLUDED.worked_out_at
        ), expired AS (
            DELETE FROM {KEPT_TABLE} WHERE id IN (
                SELECT id FROM {KEPT_TABLE} WHERE worked_out_at < %s FOR UPDATE SKIP LOCKED
            )
        )
        DELETE FROM {CHANGE_TABLE} WHERE id IN (
            SELECT c.id FROM {CHANGE_TABLE} c
            WHERE c.noted_at < now() - %s AND pg_visible_in_snapshot(c.xact::text::xid8, pg_current_snapshot())
              AND NOT EXISTS (
                  SELECT 1 FROM {KEPT_TABLE} k
                  WHERE NOT pg_visible_in_snapshot(c.xact::text::xid8, k.snapshot::pg_snapshot)
              )
              AND pg_visible_in_snapshot(c.xact::text::xid8, %s::pg_snapshot)
            FOR UPDATE OF c SKIP LOCKED
        )
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, now - KEPT_FOR, CHANGES_KEPT_FOR, snapshot])
