"""The database triggers that keep the report's roll-ups current: the monthly and daily counts (`SessionMonth`,
`SessionDay`) and each person's ratings in order (`RatingHistory`).

Every INSERT, UPDATE and DELETE on sessions and on their area notes, however it is made (a form, a bulk update,
a COPY in `seed_demo --scale`, erasure), adds its change to the (person, month) rows it touches, in the same
transaction. The triggers are statement-level with transition tables, so a COPY of 25,000 sessions is one
grouped upsert, not 25,000. A row left all zero (its last session moved away) is deleted, so each table always
equals a recount (`sessions.rollups.differences()`) row for row. There are four tables: one row per person per
calendar year (`SessionYear`), quarter (`SessionQuarter`), month (`SessionMonth`) and day (`SessionDay`), so a
report's range is read from as few rows as it can (`sessions.rollups.plan`), in the organisation's time zone (settings.TIME_ZONE), as the report's date range is.
Each row also counts the group meetings the person was named on the register of ("attended", kept by triggers on
registers and meetings), so the report's group work reads the roll-ups too.
Signposting is counted per session as well as in total: a column per kind of service in the directory, and one for
somewhere typed in (`KIND_COLUMNS`), so the report's "Signposted, by kind of service" is read from the roll-ups too.

The period blocks (`PeopleBlock`) are kept by triggers on the four roll-up tables themselves (`blocks_kept_by`): the
counts added and taken away, and each bitmap of people exclusive-ORed with those whose "more than none" changed.

`RatingHistory` cannot be kept by adding and taking away: a person's first and last rating in a period are not sums.
So its triggers rewrite the rows of each person a statement touched (their ratings, a handful to a few hundred, read
through the session timeline index), in the same transaction.
This module imports no model (sessions/models.py builds its triggers from it); the table names are the models'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.conf import settings

from chime.framework import AREAS
from sessions.service_kinds import REPORTED_KINDS, TYPED, ServiceKind

YEAR_TABLE = "support_sessionyear"
QUARTER_TABLE = "support_sessionquarter"
MONTH_TABLE = "support_sessionmonth"
DAY_TABLE = "support_sessionday"
SESSION_TABLE = "support_supportsession"
AREA_TABLE = "support_sessionarea"
SIGNPOST_TABLE = "support_sessionsignpost"
DIRECTORY_TABLE = "support_directoryservice"
HISTORY_TABLE = "support_ratinghistory"
MEASURE_TABLE = "support_measureresponse"
MEASURE_HISTORY_TABLE = "support_measurehistory"
MEETING_TABLE = "support_groupmeeting"
CHANGE_TABLE = "support_figurechange"
KEPT_TABLE = "support_keptfigures"
BLOCK_TABLE = "support_peopleblock"
# The month a change to the reckoning of every period is noted against: consent for reporting given or withdrawn.
EVERYTHING = "-infinity"
# The report's costly figures are worked out and kept per part of the people (sessions/kept_figures.py): a person is
# in part `person_id % PARTS`, so a change to one person's records sets aside one part's figures, not everyone's.
PARTS = 16
# The part a change is noted against when it may change anyone's figures.
EVERY_PART = -1
ATTENDANCE_TABLE = "support_attendance"
AREA_CODES = tuple(area.code for area in AREAS)
# Sessions signposted to a service of each kind, and to somewhere typed in: "to_housing", …, "to_typed".
KIND_COLUMNS = tuple(f"to_{kind}" for kind, _ in REPORTED_KINDS)
# The last, "attended", counts group meetings the person was named on the register of, not sessions.
COUNTS = ("sessions", "minutes", "signposted", *AREA_CODES, *KIND_COLUMNS, "attended")
# The counts whose "different people" the report counts (people with more than none in a range): all but minutes.
PEOPLE_COUNTS = tuple(c for c in COUNTS if c != "minutes")
# A period block's people are kept as bitmaps (`PeopleBlock`), one per part of the people and chunk of this many
# bits: the person whose id is i is bit (i / PARTS) % CHUNK_BITS of chunk (i / PARTS) / CHUNK_BITS of part
# i % PARTS. 512 bits (64 bytes) keep a block row of 19 bitmaps under 2 kB, so PostgreSQL neither compresses it nor
# moves it out of line, and a chunk holds 8,192 people.
CHUNK_BITS = 512
# Each roll-up table, its key column, and that key from a session's local date (`day`).
ROLLUPS = {
    YEAR_TABLE: ("year", "date_trunc('year', day)::date"),
    QUARTER_TABLE: ("quarter", "date_trunc('quarter', day)::date"),
    MONTH_TABLE: ("month", "date_trunc('month', day)::date"),
    DAY_TABLE: ("day", "day"),
}


def _zeros(columns: tuple[str, ...]) -> str:
    """SQL: a 0 for each of `columns`, in a row that leaves them unchanged."""
    return ", ".join("0" for _ in columns)


def day_of(column: str) -> str:
    """SQL: the local calendar date of a timestamp column (the organisation's time zone)."""
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


def month_of(day: str) -> str:
    """SQL: the first day of the month holding `day` (SQL giving a date, such as `day_of(column)`)."""
    return f"date_trunc('month', {day})::date"


def part_of(person: str) -> str:
    """SQL: the part of the people (`PARTS`) the person whose id is in column `person` is in."""
    return f"mod({person}, {PARTS})"


def linked_kinds(session: str, links: str = SIGNPOST_TABLE, directory: str = DIRECTORY_TABLE) -> str:
    """SQL: a subquery giving `kinds`, the array of the directory kinds the session names (NULL for none), reading its
    links and the directory from `links` and `directory` (the tables, or how they stood before a change)."""
    return (
        f"SELECT array_agg(DISTINCT d.kind) AS kinds FROM {links} l"  # noqa: S608 - names from the models, no values
        f" JOIN {directory} d ON d.id = l.service_id WHERE l.session_id = {session}.id"
    )


def signposting(session: str, kinds: str) -> tuple[str, list[str]]:
    """SQL: the session's "signposted" (1 if it names somewhere typed in or a directory service, else 0: the one
    definition the report's "Sessions with signposting" and "People signposted" count by), and its 0/1 per kind
    (`KIND_COLUMNS`), given `kinds`, the directory kinds it names (see `linked_kinds`)."""
    typed = f"({session}.signposted_to <> '')"
    per_kind = {kind: f"COALESCE('{kind}' = ANY({kinds}), FALSE)::int" for kind in ServiceKind.values}
    per_kind[TYPED] = f"{typed}::int"
    return f"({typed} OR {kinds} IS NOT NULL)::int", [per_kind[kind] for kind, _ in REPORTED_KINDS]


def session_rows(table: str, sign: int, where: str = "TRUE") -> str:
    """SQL: one row per session in `table` (those matching `where`): (person_id, day, counts…), its counts
    including its area notes and directory signposts as stored now, times `sign`."""
    areas = ", ".join(f"{sign} * COUNT(a.id) FILTER (WHERE a.area = '{code}')" for code in AREA_CODES)
    signposted, kinds = signposting("s", "k.kinds")
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, {sign}, {sign} * s.duration_minutes,"  # noqa: S608 - names from the models, no values
        f" {sign} * {signposted}, {areas}, {', '.join(f'{sign} * {kind}' for kind in kinds)}, 0"
        f" FROM {table} s LEFT JOIN {AREA_TABLE} a ON a.session_id = s.id"
        f" LEFT JOIN LATERAL ({linked_kinds('s')}) k ON TRUE WHERE {where}"
        " GROUP BY s.id, s.person_id, s.occurred_at, s.duration_minutes, s.signposted_to, k.kinds"
    )


def area_rows(table: str, sign: int) -> str:
    """SQL: one row per area note in `table`, counted in its session's (person, day), times `sign`."""
    areas = ", ".join(f"{sign} * (a.area = '{code}')::int" for code in AREA_CODES)
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, 0, 0, 0, {areas}, {_zeros(KIND_COLUMNS)}, 0"  # noqa: S608 - names from the models, no values
        f" FROM {table} a JOIN {SESSION_TABLE} s ON s.id = a.session_id"
    )


def attendance_rows(table: str, sign: int, meetings: str = MEETING_TABLE) -> str:
    """SQL: one row per named attendance in `table`, counted as one meeting "attended" in the (person, day) of its
    meeting as `meetings` has it (the table, or how it stood before a change), times `sign`. An attendance whose
    person was erased counts for nobody here: the report adds those from the register itself."""
    return (
        f"SELECT a.person_id, {day_of('m.occurred_at')}, 0, 0, 0, {_zeros((*AREA_CODES, *KIND_COLUMNS))}, {sign}"  # noqa: S608 - names from the models, no values
        f" FROM {table} a JOIN {meetings} m ON m.id = a.meeting_id WHERE a.person_id IS NOT NULL"
    )


def signposting_changes(sessions: str, before: tuple[str, str]) -> str:
    """SQL: for each session in `sessions` (SQL giving session ids), its signposting counts now less those it had
    `before` (its links and the directory as they stood before the change: two table expressions) in its
    (person, day). Adding a session's first housing service adds 1 to its "to_housing"; removing its last directory
    service, when nothing is typed in, takes 1 from its "signposted"; so does moving a service to another kind."""
    now_signposted, now_kinds = signposting("s", "now.kinds")
    was_signposted, was_kinds = signposting("s", "was.kinds")
    changes = ", ".join(f"{now} - {was}" for now, was in zip(now_kinds, was_kinds, strict=True))
    return (
        f"SELECT s.person_id, {day_of('s.occurred_at')}, 0, 0, {now_signposted} - {was_signposted},"  # noqa: S608 - names from the models, no values
        f" {_zeros(AREA_CODES)}, {changes}, 0"
        f" FROM {SESSION_TABLE} s"
        f" LEFT JOIN LATERAL ({linked_kinds('s')}) now ON TRUE"
        f" LEFT JOIN LATERAL ({linked_kinds('s', *before)}) was ON TRUE"
        f" WHERE s.id IN ({sessions})"
    )


def _links_before(rows: str, change: str) -> tuple[str, str]:
    """The links and directory as they stood before `rows` (a transition table of links) were added ("EXCEPT
    ALL") or removed ("UNION ALL"), for the sessions they belong to."""
    links = f"SELECT session_id, service_id FROM {SIGNPOST_TABLE} WHERE session_id IN (SELECT session_id FROM {rows})"  # noqa: S608
    return f"({links} {change} SELECT session_id, service_id FROM {rows})", DIRECTORY_TABLE  # noqa: S608


def rolled_up(rows: str, table: str) -> str:
    """SQL: `rows` (person_id, day, counts…) summed per row of roll-up `table` (person_id, key, counts…)."""
    columns = ", ".join(COUNTS)
    _, key = ROLLUPS[table]
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    return f"SELECT person_id, {key}, {sums} FROM ({rows}) AS d (person_id, day, {columns}) GROUP BY 1, 2"  # noqa: S608


def noted(changed: str) -> str:
    """PL/pgSQL: note that the report's figures for the months and people in `changed` (SQL giving a day and a
    person id; the day `EVERYTHING` for every period, no person for every part of the people) have changed in this
    transaction, once per month, part and transaction. Figures worked out before this transaction committed are no
    longer used (`sessions.kept_figures`)."""
    return (
        f"INSERT INTO {CHANGE_TABLE} (month, part, xact, noted_at)"  # noqa: S608 - names from the models, no values
        f" SELECT DISTINCT {month_of('d')}, COALESCE({part_of('p')}, {EVERY_PART}),"
        " pg_current_xact_id()::text::bigint, now()"
        f" FROM ({changed}) AS changed (d, p) ON CONFLICT DO NOTHING; "
    )


def _apply(*rows: str) -> str:
    """PL/pgSQL: note the months the rows fall in as changed (`noted`: every row, even one whose counts cancel
    out, since a rating changed in place changes no count), add the summed rows to each roll-up table, then
    delete the rows they left all zero."""
    columns = ", ".join(COUNTS)
    changed = " OR ".join(f"SUM({c}) <> 0" for c in COUNTS)
    union = " UNION ALL ".join(rows)
    body = noted(f"SELECT day, person_id FROM ({union}) AS d (person_id, day, {columns})")  # noqa: S608 - names, no values
    for table, (key, bucket) in ROLLUPS.items():
        body += _added_to(
            table,
            ("person_id", key),
            f"SELECT person_id, {bucket}, {', '.join(f'SUM({c})' for c in COUNTS)}"  # noqa: S608 - names, no values
            f" FROM ({union}) AS d (person_id, day, {columns})"
            f" GROUP BY 1, 2 HAVING {changed} ORDER BY 1, 2",
        )
    return body + "RETURN NULL;"


def _added_to(table: str, keys: tuple[str, ...], rows: str, bitmaps: tuple[str, ...] = ()) -> str:
    """PL/pgSQL: add `rows` (SQL giving `keys`, then `COUNTS`, then `bitmaps`) to the rows of `table` with the same
    keys (a new row where there is none; each bitmap exclusive-ORed), then delete the rows left with every count at
    zero, so the table always equals a recount row for row."""
    columns = ", ".join((*keys, *COUNTS, *bitmaps))
    added = ", ".join(
        [*(f"{c} = m.{c} + EXCLUDED.{c}" for c in COUNTS), *(f"{b} = m.{b} # EXCLUDED.{b}" for b in bitmaps)]
    )
    zero = " AND ".join(f"up.{c} = 0" for c in COUNTS)
    return (
        f"WITH up AS ("  # noqa: S608 - names from the models, no values
        f" INSERT INTO {table} AS m ({columns})"
        f" {rows}"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"
        f" RETURNING m.id, {', '.join(f'm.{c}' for c in COUNTS)}"
        f") SELECT array_agg(up.id) INTO emptied FROM up WHERE {zero};"
        f" IF emptied IS NOT NULL THEN DELETE FROM {table} WHERE id = ANY(emptied); END IF; "
    )


class RollupTrigger(pgtrigger.Trigger):
    """A statement-level AFTER trigger keeping the roll-ups current. Erasure never skips it
    (`chime.personal_data.past_protections` leaves triggers with `keeps_figures_current` running)."""

    keeps_figures_current = True
    when = pgtrigger.After
    level = pgtrigger.Statement
    declare = [("emptied", "bigint[]")]


# ---- The people of each period block, as bitmaps ---------------------------------------------------------------


def had(count: str) -> str:
    """The `PeopleBlock` column holding the people with more than none of `count` (one of `PEOPLE_COUNTS`)."""
    return f"had_{count}"


def block_rows(rows: str, sign: int) -> str:
    """SQL: per row of roll-up rows `rows` (a roll-up table, or a transition table of one), its period, part of the
    people and chunk, its counts times `sign`, and for each of `PEOPLE_COUNTS` a bitmap of the chunk with the
    person's bit set when they have more than none (`CHUNK_BITS`)."""
    place = f"(person_id / {PARTS}) % {CHUNK_BITS}"
    bits = ", ".join(
        f"CASE WHEN {c} > 0 THEN B'1'::bit({CHUNK_BITS}) >> ({place})::int ELSE B'0'::bit({CHUNK_BITS}) END"
        for c in PEOPLE_COUNTS
    )
    counts = ", ".join(f"{sign} * {c}" for c in COUNTS)
    return (
        f"SELECT {{key}}, {part_of('person_id')}, person_id / {PARTS * CHUNK_BITS}, {counts}, {bits}"  # noqa: S608 - names from the models, no values
        f" FROM {rows}"
    )


def blocks_of(table: str, *rows: str) -> str:
    """SQL: `rows` (`block_rows` of roll-up `table`) summed per period block, part and chunk (level, block, part,
    chunk, counts…, bitmaps…), each bitmap the exclusive or of theirs. A person is in a roll-up table once per
    period, so over a whole table that is the people with more than none; over the rows a statement took away
    (the old rows) and added (the new), it is the people whose "more than none" it changed."""
    key, _ = ROLLUPS[table]
    columns = ", ".join((*COUNTS, *map(had, PEOPLE_COUNTS)))
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    bits = ", ".join(f"bit_xor({had(c)})" for c in PEOPLE_COUNTS)
    union = " UNION ALL ".join(part.format(key=key) for part in rows)
    return (
        f"SELECT '{key}', block, part, chunk, {sums}, {bits}"  # noqa: S608 - names from the models, no values
        f" FROM ({union}) AS r (block, part, chunk, {columns}) GROUP BY 2, 3, 4"
    )


def _apply_to_blocks(table: str, tables: dict[str, int]) -> str:
    """PL/pgSQL: add a statement's change to roll-up `table` (its transition `tables`, with their signs) to the
    period blocks (`PeopleBlock`): its counts added, and each bitmap changed where a person's "more than none"
    changed, in block order so that two statements wait for each other rather than deadlock; then delete the
    blocks it left with nothing."""
    changed = " OR ".join(
        [*(f"SUM({c}) <> 0" for c in COUNTS), *(f"bit_count(bit_xor({had(c)})) > 0" for c in PEOPLE_COUNTS)]
    )
    grouped = blocks_of(table, *(block_rows(rows, sign) for rows, sign in tables.items()))
    keys = ("level", "block", "part", "chunk")
    return (
        _added_to(
            BLOCK_TABLE, keys, f"{grouped} HAVING {changed} ORDER BY 2, 3, 4", tuple(map(had, PEOPLE_COUNTS))
        )
        + "RETURN NULL;"
    )


def blocks_kept_by(table: str) -> list[pgtrigger.Trigger]:
    """The triggers on roll-up `table` that keep its period blocks (`PeopleBlock`) current, whatever writes it:
    the roll-ups' own triggers, a rebuild, a migration."""
    return _on_each_change(
        lambda change: f"people_blocks_{change}", lambda tables: _apply_to_blocks(table, tables)
    )


# Each change a statement makes to a table's rows: its name, its operation, and its transition tables, each with
# the sign its rows count with (the old rows of an update taken away, the new added).
CHANGES = (
    ("added", pgtrigger.Insert, {"new_rows": 1}),
    ("changed", pgtrigger.Update, {"old_rows": -1, "new_rows": 1}),
    ("removed", pgtrigger.Delete, {"old_rows": -1}),
)


def _on_each_change(
    name: Callable[[str], str], func: Callable[[dict[str, int]], str]
) -> list[pgtrigger.Trigger]:
    """A statement-level trigger for each of CHANGES, named `name(change)`, running `func(transition tables)`."""
    return [
        RollupTrigger(
            name=name(change),
            operation=operation,
            referencing=pgtrigger.Referencing(
                old="old_rows" if "old_rows" in tables else None,
                new="new_rows" if "new_rows" in tables else None,
            ),
            func=func(tables),
        )
        for change, operation, tables in CHANGES
    ]


def _kept_by(name: str, rows: Callable[[str, int], str]) -> list[pgtrigger.Trigger]:
    """The three triggers that keep the roll-ups current as rows of a table whose rows `rows(table, sign)` counts
    are added, changed (the old rows taken away, the new added) and removed."""
    return _on_each_change(
        lambda change: f"rollup_{name}_{change}",
        lambda tables: _apply(*(rows(table, sign) for table, sign in tables.items())),
    )


def on_sessions() -> list[pgtrigger.Trigger]:
    return _kept_by("sessions", session_rows)


def on_areas() -> list[pgtrigger.Trigger]:
    return _kept_by("areas", area_rows)


def on_signposts() -> list[pgtrigger.Trigger]:
    """Adding or removing directory services on a session changes whether, and to which kinds, it was signposted.
    Links are added and removed, never changed in place (a changed link would move a signpost without these
    triggers)."""
    added, removed = "SELECT session_id FROM new_rows", "SELECT session_id FROM old_rows"
    return [
        RollupTrigger(
            name="rollup_signposts_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_apply(signposting_changes(added, before=_links_before("new_rows", "EXCEPT ALL"))),
        ),
        RollupTrigger(
            name="rollup_signposts_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_apply(signposting_changes(removed, before=_links_before("old_rows", "UNION ALL"))),
        ),
        pgtrigger.Protect(name="signposts_are_added_or_removed_never_changed", operation=pgtrigger.Update),
    ]


def on_directory() -> list[pgtrigger.Trigger]:
    """A service moved to another kind moves the sessions that name it to that kind's count."""
    moved = (
        f"SELECT l.session_id FROM {SIGNPOST_TABLE} l JOIN new_rows n ON n.id = l.service_id"  # noqa: S608 - names
        " JOIN old_rows o ON o.id = n.id WHERE o.kind <> n.kind"
    )
    before = (
        f"(SELECT id, kind FROM {DIRECTORY_TABLE} WHERE id NOT IN (SELECT id FROM new_rows)"  # noqa: S608 - names
        " UNION ALL SELECT id, kind FROM old_rows)"
    )
    return [
        RollupTrigger(
            name="rollup_service_kind_changed",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_apply(signposting_changes(moved, before=(SIGNPOST_TABLE, before))),
        )
    ]


def on_attendances() -> list[pgtrigger.Trigger]:
    """A name added to a register, or taken off it when the person is erased (the row stays, for nobody)."""
    return _kept_by("attendances", attendance_rows)


def on_meetings() -> list[pgtrigger.Trigger]:
    """A meeting moved to another day moves its register's attendances with it."""
    moved = (
        "(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.occurred_at <> o.occurred_at)"
    )
    register = f"(SELECT * FROM {ATTENDANCE_TABLE} WHERE meeting_id IN {moved})"  # noqa: S608 - names, no values
    return [
        RollupTrigger(
            name="rollup_meetings_moved",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_apply(attendance_rows(register, -1, "old_rows"), attendance_rows(register, 1, "new_rows")),
        )
    ]


# ---- Each person's ratings in order ---------------------------------------------------------------------------


def history_rows(where: str) -> str:
    """SQL: the `RatingHistory` rows (person_id, rating_view, area, days, ratings) of the sessions matching
    `where`, from the ratings as stored now: per person, view and area, each rating and its local day, in the
    order the sessions happened (by time, then by id)."""
    order = "ORDER BY s.occurred_at, s.id"
    return (
        f"SELECT s.person_id, a.rating_view, a.area, array_agg({day_of('s.occurred_at')} {order}),"  # noqa: S608 - names from the models, no values
        f" array_agg(a.rating {order})"
        f" FROM {SESSION_TABLE} s JOIN {AREA_TABLE} a ON a.session_id = s.id"
        f" WHERE a.rating IS NOT NULL AND {where} GROUP BY 1, 2, 3"
    )


def measure_history_rows(where: str) -> str:
    """SQL: the `MeasureHistory` rows (person_id, measure_id, days, totals) of the people matching `where` (on
    `m`, the results), from their completed results as stored now, by date, then by id."""
    order = "ORDER BY m.taken_on, m.id"
    return (
        f"SELECT m.person_id, m.measure_id, array_agg(m.taken_on {order}), array_agg(m.total {order})"  # noqa: S608 - names from the models, no values
        f" FROM {MEASURE_TABLE} m WHERE NOT m.declined AND m.total IS NOT NULL AND {where} GROUP BY 1, 2"
    )


@dataclass(frozen=True)
class History:
    """A table of each person's results in order, one row per person and `keys`, with `days` and `values` arrays
    in the same order; `rows(where)` gives its rows afresh, for people matched by `where` (on `person`)."""

    table: str
    keys: tuple[str, ...]
    values: str
    rows: Callable[[str], str]
    person: str  # the person column in `rows`' SQL, to say whose rows to give

    @property
    def columns(self) -> str:
        return ", ".join(("person_id", *self.keys, "days", self.values))

    def recount(self) -> str:
        return self.rows("TRUE")


RATINGS = History(HISTORY_TABLE, ("rating_view", "area"), "ratings", history_rows, "s.person_id")
MEASURES = History(MEASURE_HISTORY_TABLE, ("measure_id",), "totals", measure_history_rows, "m.person_id")
HISTORIES = (RATINGS, MEASURES)


def _rewrite_histories(people: str, history: History = RATINGS, changed: str | None = None) -> str:
    """PL/pgSQL: rewrite the `history` rows of the people in `people` (SQL giving person ids) from the records,
    first noting the months and people of `changed` (a day and a person id) as changed (`noted`) where no roll-up
    trigger on the same statement does."""
    rewrite = (
        f"SELECT array_agg(DISTINCT p) INTO touched FROM ({people}) AS t (p);"  # noqa: S608 - names, no values
        f" IF touched IS NOT NULL THEN DELETE FROM {history.table} WHERE person_id = ANY(touched);"
        f" INSERT INTO {history.table} ({history.columns}) {history.rows(f'{history.person} = ANY(touched)')};"
        " END IF; RETURN NULL;"
    )
    return (noted(changed) if changed else "") + rewrite


class HistoryTrigger(RollupTrigger):
    declare = [("touched", "bigint[]")]


def _area_people(rows: str) -> str:
    return f"SELECT s.person_id FROM {rows} a JOIN {SESSION_TABLE} s ON s.id = a.session_id"  # noqa: S608


def history_on_sessions() -> list[pgtrigger.Trigger]:
    """A session moved to another time or person, or deleted, reorders or moves its ratings. (A new session has no
    ratings yet: its area notes come after it.)"""
    moved = (
        "SELECT unnest(ARRAY[o.person_id, n.person_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE (o.person_id, o.occurred_at) IS DISTINCT FROM (n.person_id, n.occurred_at)"
    )
    return [
        HistoryTrigger(
            name="rating_history_sessions_moved",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_rewrite_histories(moved),
        ),
        HistoryTrigger(
            name="rating_history_sessions_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_rewrite_histories("SELECT person_id FROM old_rows"),
        ),
    ]


def history_on_areas() -> list[pgtrigger.Trigger]:
    changed = (
        f"SELECT s.person_id FROM old_rows o JOIN new_rows n ON n.id = o.id"  # noqa: S608 - names, no values
        f" JOIN {SESSION_TABLE} s ON s.id IN (o.session_id, n.session_id)"
        " WHERE (o.session_id, o.area, o.rating, o.rating_view)"
        " IS DISTINCT FROM (n.session_id, n.area, n.rating, n.rating_view)"
    )
    return [
        HistoryTrigger(
            name="rating_history_areas_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_rewrite_histories(f"{_area_people('new_rows')} WHERE a.rating IS NOT NULL"),
        ),
        HistoryTrigger(
            name="rating_history_areas_changed",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_rewrite_histories(changed),
        ),
        HistoryTrigger(
            name="rating_history_areas_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_rewrite_histories(f"{_area_people('old_rows')} WHERE a.rating IS NOT NULL"),
        ),
    ]


def history_on_measures() -> list[pgtrigger.Trigger]:
    """A measure completed, changed or removed rewrites its person's results in order (distance travelled)."""
    changed = (
        "SELECT unnest(ARRAY[o.person_id, n.person_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE (o.person_id, o.measure_id, o.taken_on, o.total, o.declined)"
        " IS DISTINCT FROM (n.person_id, n.measure_id, n.taken_on, n.total, n.declined)"
    )
    return [
        HistoryTrigger(
            name="measure_history_added",
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_rewrite_histories(
                "SELECT person_id FROM new_rows", MEASURES, "SELECT taken_on, person_id FROM new_rows"
            ),
        ),
        HistoryTrigger(
            name="measure_history_changed",
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_rewrite_histories(
                changed,
                MEASURES,
                "SELECT taken_on, person_id FROM old_rows UNION SELECT taken_on, person_id FROM new_rows",
            ),
        ),
        HistoryTrigger(
            name="measure_history_removed",
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=_rewrite_histories(
                "SELECT person_id FROM old_rows", MEASURES, "SELECT taken_on, person_id FROM old_rows"
            ),
        ),
    ]


def noting_every_period(name: str, person: str | None = None) -> list[pgtrigger.Trigger]:
    """Triggers noting every period's figures as changed on any INSERT, UPDATE or DELETE of a table: one the
    consent filter for reporting reads (`sessions.hooks.reportable_people`). Where each row decides only whether
    one person is counted, `person` names its person column, and only that person's part of the people is noted;
    otherwise every part is."""
    if person is None:
        return [
            RollupTrigger(
                name=f"{name}_changes_every_period",
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func=noted(f"SELECT '{EVERYTHING}'::date, NULL::bigint") + "RETURN NULL;",
            )
        ]
    everything = f"SELECT '{EVERYTHING}'::date, {person} FROM"
    return _on_each_change(
        lambda change: f"{name}_{change}_changes_every_period",
        lambda tables: noted(" UNION ".join(f"{everything} {table}" for table in tables)) + "RETURN NULL;",
    )
