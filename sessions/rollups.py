"""The commissioners' report's session figures, from roll-ups kept as records are saved, so the report does not
grow with history.

`SessionYear`, `SessionQuarter`, `SessionMonth` and `SessionDay` hold one row per person per calendar year, quarter,
month and day with their sessions, minutes, signposted sessions (in all and per kind of service), area notes and
group meetings attended, kept current by database triggers (sessions/rollup_triggers.py). `plan` cuts a range into
as few of their rows per person as it can (a period the range holds most of is read whole, less what lies outside
it), for sums that may be added and taken away.

The "different people" figures come from the period blocks (`PeopleBlock`): per year, quarter, month and day, and
per part and chunk of the people, the counts summed and the people with each as a bitmap. A range is the blocks it
holds whole, nothing taken away (`blocks`), their bitmaps ORed and counted, so no row is grouped per person. With no
consent filter for reporting, their counts are added too; with one (`people`, as it stands when the report runs),
the bitmaps are ANDed with the people it keeps and the counts are those people's roll-ups summed over `plan`. The
figures are exactly those a count of the sessions gives.

`recount_sql()` counts a roll-up table afresh from the records, and `recount_blocks_sql()` the blocks from the
roll-ups; `differences()` compares them all and `rebuild()` replaces the stored rows with the recount
(`manage.py rebuild_report_rollups`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet

from sessions.models import start_of_day
from sessions.rollup_triggers import (
    AREA_CODES,
    AREA_TABLE,
    ATTENDANCE_TABLE,
    BLOCK_TABLE,
    CHUNK_BITS,
    COUNTS,
    DIRECTORY_TABLE,
    HISTORIES,
    KEPT_TABLE,
    KIND_COLUMNS,
    MEASURE_TABLE,
    MEETING_TABLE,
    MONTH_TABLE,
    PARTS,
    PEOPLE_COUNTS,
    QUARTER_TABLE,
    RATINGS,
    ROLLUPS,
    SESSION_TABLE,
    SIGNPOST_TABLE,
    YEAR_TABLE,
    History,
    attendance_rows,
    block_rows,
    blocks_of,
    had,
    part_of,
    rolled_up,
    session_rows,
)
from sessions.service_kinds import REPORTED_KINDS

# The roll-up tables from the longest period to the shortest, by the name of their key column.
LEVELS = ("year", "quarter", "month", "day")
TABLE_OF = {key: table for table, (key, _) in ROLLUPS.items()}
ALL_PARTS = tuple(range(PARTS))
TOTALS = (
    "sessions",
    "people",
    "minutes",
    "signposted",
    "people_signposted",
    "people_on_registers",
    "register_entries",
)


@dataclass(frozen=True, order=True)
class Piece:
    """Rows of one roll-up table, `level` (its key column), for the periods starting in [first, after), added
    (sign 1) or taken away (sign -1)."""

    level: str
    first: dt.date
    after: dt.date
    sign: int = 1


def plan(start: dt.date, end: dt.date) -> tuple[Piece, ...]:
    """How to count [start, end] from the roll-ups, reading as few rows as it can: whole years, quarters and months
    where the range holds them; a year, quarter or month the range holds more than half of is read whole, less
    what lies outside the range (counted the same way, and taken away); what is left, never more than half a month
    at either edge, is read day by day."""
    pieces: list[Piece] = []
    _cover(start, end + dt.timedelta(days=1), 0, 1, pieces)
    merged: list[Piece] = []
    for piece in sorted(pieces, key=lambda p: (LEVELS.index(p.level), -p.sign, p.first)):
        last = merged[-1] if merged else None
        if last and (last.level, last.sign, last.after) == (piece.level, piece.sign, piece.first):
            merged[-1] = Piece(piece.level, last.first, piece.after, piece.sign)
        else:
            merged.append(piece)
    return tuple(merged)


def _cover(lo: dt.date, hi: dt.date, level: int, sign: int, pieces: list[Piece]) -> None:
    """Add to `pieces` the signed pieces that count [lo, hi), from LEVELS[level] down."""
    if lo >= hi:
        return
    if LEVELS[level] == "day":
        pieces.append(Piece("day", lo, hi, sign))
        return
    block = _start_of(LEVELS[level], lo)
    while block < hi:
        after = _start_of(LEVELS[level], block, step=1)
        inside_lo, inside_hi = max(lo, block), min(hi, after)
        if 2 * (inside_hi - inside_lo).days > (after - block).days:  # more than half of it: read it whole
            pieces.append(Piece(LEVELS[level], block, after, sign))
            _cover(block, inside_lo, level + 1, -sign, pieces)
            _cover(inside_hi, after, level + 1, -sign, pieces)
        else:
            _cover(inside_lo, inside_hi, level + 1, sign, pieces)
        block = after


def blocks(start: dt.date, end: dt.date) -> tuple[Piece, ...]:
    """How to count [start, end] from the period blocks (`PeopleBlock`), nothing taken away: the whole years it
    holds, then the whole quarters and months of what is left, then the days at either edge, longest first. Each
    day of the range is in exactly one of them."""
    pieces: list[Piece] = []
    _whole(start, end + dt.timedelta(days=1), 0, pieces)
    return tuple(sorted(pieces, key=lambda p: (LEVELS.index(p.level), p.first)))


def _whole(lo: dt.date, hi: dt.date, level: int, pieces: list[Piece]) -> None:
    """Add to `pieces` the periods of LEVELS[level] that [lo, hi) holds whole, and cover what is left at either
    edge from the next level down."""
    if lo >= hi:
        return
    if LEVELS[level] == "day":
        pieces.append(Piece("day", lo, hi))
        return
    first = _start_of(LEVELS[level], lo)
    if first < lo:
        first = _start_of(LEVELS[level], lo, step=1)
    after = _start_of(LEVELS[level], hi)
    if first >= after:
        _whole(lo, hi, level + 1, pieces)
        return
    pieces.append(Piece(LEVELS[level], first, after))
    _whole(lo, first, level + 1, pieces)
    _whole(after, hi, level + 1, pieces)


def _start_of(level: str, day: dt.date, step: int = 0) -> dt.date:
    """The first day of the year, quarter or month holding `day`, or of the `step`th one after it."""
    months = {"year": 12, "quarter": 3, "month": 1}[level]
    index = day.year * 12 + day.month - 1
    index = index - index % months + step * months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class SessionFigures:
    """The report's session figures for a range.

    totals: sessions, people, minutes, signposted, people_signposted; people_on_registers (the different people
    named on the register of a group meeting in the range), and register_entries (how many names those registers
    hold, everyone's: see `session_figures_by_part`);
    by_area (only the areas some session touched): {code: {"sessions": n, "people": n}};
    by_kind (only the kinds some session was signposted to, "typed" among them): the same."""

    totals: dict[str, int]
    by_area: dict[str, dict[str, int]]
    by_kind: dict[str, dict[str, int]]

    @classmethod
    def nothing(cls) -> SessionFigures:
        return cls(dict.fromkeys(TOTALS, 0), by_area={}, by_kind={})

    @classmethod
    def added(cls, parts: Iterable[SessionFigures]) -> SessionFigures:
        """The figures of different people's parts, added up: everyone's in them."""
        totals: Counter = Counter()
        by_area: dict[str, Counter] = {}
        by_kind: dict[str, Counter] = {}
        for figures in parts:
            totals.update(figures.totals)
            for split, adding in ((by_area, figures.by_area), (by_kind, figures.by_kind)):
                for code, found in adding.items():
                    split.setdefault(code, Counter()).update(found)
        return cls(
            {name: totals[name] for name in TOTALS},
            by_area={code: dict(found) for code, found in sorted(by_area.items())},
            by_kind={code: dict(found) for code, found in sorted(by_kind.items())},
        )


def session_figures_by_part(
    start: dt.date, end: dt.date, people: QuerySet, parts: tuple[int, ...]
) -> dict[int, SessionFigures]:
    """The report's session totals, its coverage per CHIME area and its signposting per kind of service for
    [start, end] inclusive, for each of `parts` of the people (`PARTS`) on its own, in one query.

    They are read from the period blocks (`PeopleBlock`) the range holds whole (`blocks`): their counts added, and
    their bitmaps of people ORed and their bits counted, so different people are counted once with no row read per
    person. When the consent filter for reporting (`people`) narrows whom the report counts, the bitmaps are ANDed
    with the people it keeps, and the counts are those people's roll-ups summed (`_counted_per_chunk`). Every figure
    but `register_entries` counts the people counted: that counts places at group meetings, not people, so it
    counts every name on their registers, with the entries of people erased since, which stay on the register for
    nobody (counted in part 0). Different people are in different parts, so each part's figures add up to
    everyone's."""
    since, until = bounds(start, end)
    sql, params = _session_figures_sql(start, end, people, parts)
    found = {part: SessionFigures.nothing() for part in parts}
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, *params])
        rows = cursor.fetchall()
    for part, *counts, _ in rows:
        if part is None:  # no roll-up rows at all: the one row left joined to nothing
            continue
        people_count, sessions, minutes, signposted, people_signposted, on_registers, *split, entries = counts
        values = (sessions, people_count, minutes, signposted, people_signposted, on_registers, entries)
        figures = {
            code: {"sessions": int(split[2 * i]), "people": split[2 * i + 1]}
            for i, code in enumerate([*AREA_CODES, *(kind for kind, _ in REPORTED_KINDS)])
            if split[2 * i]
        }
        found[part] = SessionFigures(
            dict(zip(TOTALS, map(int, values), strict=True)),
            by_area={code: found for code, found in figures.items() if code in AREA_CODES},
            by_kind={code: found for code, found in figures.items() if code not in AREA_CODES},
        )
    if 0 in parts:  # the register entries of people erased since, in the first part (the same on every row)
        found[0].totals["register_entries"] += int(rows[0][-1])
    return found


def _session_figures_sql(
    start: dt.date, end: dt.date, people: QuerySet, parts: tuple[int, ...]
) -> tuple[str, list]:
    """`session_figures_by_part`'s SQL and parameters, after the erased people's register entries (`since`,
    `until`): per part, the people with sessions, sessions, minutes, sessions signposted, people signposted, people
    on registers; sessions and people per area and per kind of service; every register entry; and those of people
    erased since (the same on every row, and a row even when there is nothing else)."""
    cover, params = [], []
    for piece in blocks(start, end):
        cover.append("(level = %s AND block >= %s AND block < %s)")
        params += [piece.level, piece.first, piece.after]
    in_blocks = f"FROM {BLOCK_TABLE} WHERE ({' OR '.join(cover)}){_parts_clause(parts, 'part')}"
    if people.query.where:
        per_chunk, more = _counted_per_chunk(start, end, people, parts, in_blocks)
        params += more
    else:
        per_chunk = (
            f"SELECT part, {', '.join(f'SUM({c})::bigint AS {c}' for c in COUNTS)},"  # noqa: S608 - names, no values
            f" {', '.join(f'bit_count(bit_or({had(c)})) AS people_{c}' for c in PEOPLE_COUNTS)}"
            f" {in_blocks} GROUP BY part, chunk"
        )

    def total(column: str) -> str:
        return f"COALESCE(SUM({column}), 0)::bigint"

    split = ", ".join(f"{total(c)}, {total(f'people_{c}')}" for c in (*AREA_CODES, *KIND_COLUMNS))
    sql = f"""
        SELECT part, {total("people_sessions")}, {total("sessions")}, {total("minutes")}, {total("signposted")},
               {total("people_signposted")}, {total("people_attended")}, {split}, {total("attended")}, (
                   SELECT COUNT(*) FROM {ATTENDANCE_TABLE} a JOIN {MEETING_TABLE} m ON m.id = a.meeting_id
                   WHERE a.person_id IS NULL AND m.occurred_at >= %s AND m.occurred_at < %s
               )
        FROM (SELECT 1) AS one LEFT JOIN ({per_chunk}) AS per_chunk ON TRUE
        GROUP BY part
    """  # noqa: S608 - table and column names from the models, values as parameters
    return sql, params


def _counted_per_chunk(
    start: dt.date, end: dt.date, people: QuerySet, parts: tuple[int, ...], in_blocks: str
) -> tuple[str, list]:
    """SQL and parameters for `_session_figures_sql` when the consent filter for reporting (`people`) decides who
    counts: rows per part (and chunk) with the counts (`COUNTS`) and the people with each (`people_…`) to add up.

    The people with each count are the blocks' bitmaps ORed, ANDed with a bitmap of the people counted (built from
    `people`, per part and chunk). The counts of the people counted are their roll-ups summed over the range's
    pieces (`plan`: a row or two per person, added and taken away, never grouped by person). Register entries
    (`attended`) count everyone's, as they always do, so they come from the blocks."""
    try:
        ids, id_params = _ids_of(people)
    except EmptyResultSet:
        ids, id_params = "SELECT NULL::bigint WHERE FALSE", []
    bit = f"B'1'::bit({CHUNK_BITS}) >> mod(id / {PARTS}, {CHUNK_BITS})::int"
    counted_bits = (
        f"SELECT {part_of('id')} AS part, id / {PARTS * CHUNK_BITS} AS chunk, bit_or({bit}) AS counted"  # noqa: S608 - names, no values
        f" FROM ({ids}) AS ids (id) GROUP BY 1, 2"
    )
    ored = ", ".join(f"bit_or({had(c)}) AS {had(c)}" for c in PEOPLE_COUNTS)
    from_blocks = (
        f"SELECT b.part, {', '.join('0' if c != 'attended' else 'b.attended' for c in COUNTS)},"  # noqa: S608 - names, no values
        f" {', '.join(f'bit_count(b.{had(c)} & c.counted)' for c in PEOPLE_COUNTS)}"
        f" FROM (SELECT part, chunk, SUM(attended) AS attended, {ored} {in_blocks} GROUP BY part, chunk) AS b"
        f" LEFT JOIN ({counted_bits}) AS c ON c.part = b.part AND c.chunk = b.chunk"
    )
    pieces, piece_params = _pieces(start, end, COUNTS, parts)
    from_rollups = (
        f"SELECT {part_of('person_id')}, {', '.join('0' if c == 'attended' else f'SUM({c})' for c in COUNTS)},"  # noqa: S608 - names, no values
        f" {', '.join('0' for _ in PEOPLE_COUNTS)}"
        f" FROM ({pieces}) AS pieces WHERE person_id IN ({ids}) GROUP BY 1"
    )
    columns = ", ".join(("part", *COUNTS, *(f"people_{c}" for c in PEOPLE_COUNTS)))
    sql = f"SELECT * FROM ({from_blocks} UNION ALL {from_rollups}) AS counted_per_chunk ({columns})"  # noqa: S608
    return sql, [*id_params, *piece_params, *id_params]


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] inclusive as moments [since, until): local midnight at its start, and after its last day."""
    return start_of_day(start), start_of_day(end + dt.timedelta(days=1))


def _pieces(
    start: dt.date, end: dt.date, columns: tuple[str, ...], parts: tuple[int, ...]
) -> tuple[str, list]:
    """SQL and its parameters: the roll-up rows of the people in `parts` that count [start, end] (`plan`), a row
    per person and piece with `columns`, negated in the pieces taken away."""
    in_parts = in_parts_of(parts, "person_id")
    parts_and_pieces, params = [], []
    for piece in plan(start, end):
        signed = ", ".join(c if piece.sign > 0 else f"-{c} AS {c}" for c in columns)
        parts_and_pieces.append(
            f"SELECT person_id, {signed} FROM {TABLE_OF[piece.level]}"  # noqa: S608 - names from the models, no values
            f" WHERE {piece.level} >= %s AND {piece.level} < %s{in_parts}"
        )
        params += [piece.first, piece.after]
    return " UNION ALL ".join(parts_and_pieces), params


def in_parts_of(parts: tuple[int, ...], person: str) -> str:
    """SQL to add to a WHERE clause keeping the people in `parts` (`PARTS`), `person` being the person column:
    nothing for all of them."""
    return _parts_clause(parts, part_of(person))


def _parts_clause(parts: tuple[int, ...], part: str) -> str:
    """SQL to add to a WHERE clause keeping the rows whose part of the people (`part`, SQL) is one of `parts`."""
    if set(parts) == set(ALL_PARTS):
        return ""
    if not parts or not all(isinstance(p, int) and 0 <= p < PARTS for p in parts):
        raise ValueError(f"Not parts of the people: {parts!r}")
    return f" AND {part} IN ({', '.join(map(str, parts))})"  # whole numbers checked above


def changes_in(
    history: History, periods: list[tuple[dt.date, dt.date]], people: QuerySet, parts: tuple[int, ...]
) -> tuple[str, list] | None:
    """SQL and its parameters: a row per person in `parts` (`PARTS`) and key of `history` (a view and area of
    ratings, a measure), giving the person's `part`, the keys and, for each of the `periods` in order, `change0`,
    `change1`, …: the last result in that period less the first, or NULL when the period holds fewer than two; None
    when nobody may be counted.

    Each row is read once for all the periods. Each edge of a period is a binary search of the row's sorted days
    (`width_bucket`: how many results came by that day), made once however many periods it bounds, so a period's
    results are numbers before+1 to through, where `before` is the search for the day before it starts and `through`
    for its last day. Each `OFFSET 0` keeps PostgreSQL from merging a subquery into the one above it, which would
    make the searches, or work out the changes, again for every use (on the large benchmark set, 2.6 times slower
    for the searches, and 155 ms against 60 ms for the changes of two periods)."""
    try:
        counted, params = counted_people(people)
    except EmptyResultSet:
        return None
    edges = sorted({day for start, end in periods for day in (start - dt.timedelta(days=1), end)})
    searched = ", ".join(f"width_bucket(%s::date, days) AS edge{i}" for i in range(len(edges)))
    keys, values = ", ".join(history.keys), history.values
    changes = []
    for i, (start, end) in enumerate(periods):
        before, through = f"edge{edges.index(start - dt.timedelta(days=1))}", f"edge{edges.index(end)}"
        changes.append(
            f"CASE WHEN {through} - {before} >= 2 THEN {values}[{through}] - {values}[{before} + 1] END AS change{i}"
        )
    sql = f"""
        SELECT part, {keys}, {", ".join(changes)}
        FROM (
            SELECT {part_of("person_id")} AS part, {keys}, {values}, {searched}
            FROM {history.table}
            WHERE TRUE{counted.format("person_id")}{in_parts_of(parts, "person_id")}
            OFFSET 0
        ) AS searched
        OFFSET 0
    """  # noqa: S608 - names from the models, values as parameters
    return sql, [*edges, *params]


def counted_or_nobody(people: QuerySet) -> tuple[str, list]:
    """As `counted_people`, for a query that still runs when nobody may be counted: then a clause never true."""
    try:
        return counted_people(people)
    except EmptyResultSet:
        return " AND FALSE", []


def counted_people(people: QuerySet) -> tuple[str, list]:
    """SQL to add to a WHERE clause keeping the people the report may count (`{}` is the person column), and its
    parameters: nothing when `people` is everyone (no consent rule), so the planner has no join to make."""
    if not people.query.where:
        return "", []
    sql, params = _ids_of(people)
    return f" AND {{}} IN ({sql.replace('{', '{{').replace('}', '}}')})", list(params)


def _ids_of(people: QuerySet) -> tuple[str, tuple]:
    """SQL giving the ids of `people`, and its parameters; raises EmptyResultSet when it can give none."""
    return people.order_by().values("pk").query.sql_with_params()


# ---- Recount, compare, rebuild ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    table: str
    person_id: int
    period: dt.date  # the month's first day, or the day
    stored: tuple[int, ...] | None  # None: no stored row
    counted: tuple[int, ...] | None  # None: the sessions give no row

    def __str__(self) -> str:
        def show(values: tuple[int, ...] | None) -> str:
            return (
                "no row"
                if values is None
                else ", ".join(f"{c} {v}" for c, v in zip(COUNTS, values, strict=True))
            )

        when = {
            YEAR_TABLE: str(self.period.year),
            QUARTER_TABLE: f"{self.period.year} Q{(self.period.month - 1) // 3 + 1}",
            MONTH_TABLE: f"{self.period:%Y-%m}",
        }.get(self.table, self.period.isoformat())
        return f"person {self.person_id}, {when}: stored {show(self.stored)}; recount {show(self.counted)}"


@dataclass(frozen=True)
class HistoryDifference:
    table: str
    person_id: int
    key: tuple  # the row's keys besides the person: (view, area) for ratings, (measure id,) for measures
    stored: tuple[list, list] | None  # (days, values); None: no stored row
    counted: tuple[list, list] | None  # None: the records give no row

    def __str__(self) -> str:
        def show(values: tuple[list, list] | None) -> str:
            return (
                "no row"
                if values is None
                else ", ".join(f"{d.isoformat()} {v}" for d, v in zip(*values, strict=True))
            )

        what = "ratings" if self.table == RATINGS.table else "measure results"
        return (
            f"person {self.person_id}, {what} {' '.join(map(str, self.key))}:"
            f" stored {show(self.stored)}; recount {show(self.counted)}"
        )


def recount_sql(table: str) -> str:
    """SQL: the rows of roll-up `table` (person_id, key, counts…) counted afresh from every session, area note and
    register."""
    return rolled_up(
        f"{session_rows(SESSION_TABLE, 1)} UNION ALL {attendance_rows(ATTENDANCE_TABLE, 1)}", table
    )


@dataclass(frozen=True)
class BlockDifference:
    level: str
    block: dt.date
    part: int
    chunk: int
    stored: (
        tuple[int, ...] | None
    )  # the counts, then the people with each of PEOPLE_COUNTS; None: no stored row
    counted: tuple[int, ...] | None  # the same from the roll-ups; None: they give no row

    def __str__(self) -> str:
        def show(values: tuple[int, ...] | None) -> str:
            if values is None:
                return "no row"
            names = (*COUNTS, *(f"people with {c}" for c in PEOPLE_COUNTS))
            return ", ".join(f"{name} {value}" for name, value in zip(names, values, strict=True) if value)

        return (
            f"people block of the {self.level} from {self.block}, part {self.part}, chunk {self.chunk}:"
            f" stored {show(self.stored)}; from the roll-ups {show(self.counted)}"
        )


Differences = list[Difference | HistoryDifference | BlockDifference]


def recount_blocks_sql() -> str:
    """SQL: the period blocks (`PeopleBlock`: level, block, part, chunk, counts…, bitmaps…) as the roll-ups give
    them."""
    return " UNION ALL ".join(blocks_of(table, block_rows(table, 1)) for table in ROLLUPS)


def differences(limit: int | None = None) -> tuple[int, Differences]:
    """How many rows differ between the stored roll-ups (the counts and the rating histories) and a recount, or
    between the period blocks and the roll-ups, and the first `limit`."""
    found: Differences = []
    for table, (key, _) in ROLLUPS.items():
        found += _differences_in(table, key)
    for history in HISTORIES:
        found += _history_differences(history)
    found += _block_differences()
    return len(found), found[:limit] if limit is not None else found


def _block_differences() -> list[BlockDifference]:
    bitmaps = tuple(map(had, PEOPLE_COUNTS))
    stored = ", ".join([*(f"b.{c}" for c in COUNTS), *(f"bit_count(b.{h})" for h in bitmaps)])
    counted = ", ".join([*(f"c.{c}" for c in COUNTS), *(f"bit_count(c.{h})" for h in bitmaps)])
    keys = ("level", "block", "part", "chunk")
    sql = f"""
        SELECT {", ".join(f"COALESCE(b.{k}, c.{k})" for k in keys)}, b.id IS NULL, c.level IS NULL, {stored}, {counted}
        FROM {BLOCK_TABLE} b
        FULL OUTER JOIN ({recount_blocks_sql()}) AS c ({", ".join((*keys, *COUNTS, *bitmaps))})
            ON {" AND ".join(f"c.{k} = b.{k}" for k in keys)}
        WHERE ({", ".join(f"b.{c}" for c in (*COUNTS, *bitmaps))})
            IS DISTINCT FROM ({", ".join(f"c.{c}" for c in (*COUNTS, *bitmaps))})
        ORDER BY 1, 2, 3, 4
    """  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    width = len(COUNTS) + len(bitmaps)
    return [
        BlockDifference(
            *row[:4],
            stored=None if row[4] else tuple(row[6 : 6 + width]),
            counted=None if row[5] else tuple(row[6 + width :]),
        )
        for row in rows
    ]


def _history_differences(history: History) -> list[HistoryDifference]:
    keys = history.keys
    joined = " AND ".join(f"c.{k} = r.{k}" for k in ("person_id", *keys))
    sql = f"""
        SELECT COALESCE(r.person_id, c.person_id), {", ".join(f"COALESCE(r.{k}, c.{k})" for k in keys)},
               r.id IS NULL, c.person_id IS NULL, r.days, r.{history.values}, c.days, c.{history.values}
        FROM {history.table} r
        FULL OUTER JOIN ({history.recount()}) AS c ({history.columns}) ON {joined}
        WHERE (r.days, r.{history.values}) IS DISTINCT FROM (c.days, c.{history.values})
        ORDER BY {", ".join(str(n) for n in range(1, len(keys) + 2))}
    """  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    width = len(keys)
    return [
        HistoryDifference(
            table=history.table,
            person_id=row[0],
            key=tuple(row[1 : 1 + width]),
            stored=None if row[1 + width] else (row[3 + width], row[4 + width]),
            counted=None if row[2 + width] else (row[5 + width], row[6 + width]),
        )
        for row in rows
    ]


def _differences_in(table: str, key: str) -> list[Difference]:
    stored = ", ".join(f"r.{c}" for c in COUNTS)
    counted = ", ".join(f"c.{c}" for c in COUNTS)
    sql = f"""
        SELECT COALESCE(r.person_id, c.person_id), COALESCE(r.{key}, c.{key}),
               r.id IS NULL, c.person_id IS NULL, {stored}, {counted}
        FROM {table} r
        FULL OUTER JOIN ({recount_sql(table)}) AS c (person_id, {key}, {", ".join(COUNTS)})
            ON c.person_id = r.person_id AND c.{key} = r.{key}
        WHERE ({stored}) IS DISTINCT FROM ({counted})
        ORDER BY 1, 2
    """  # noqa: S608 - names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    width = len(COUNTS)
    return [
        Difference(
            table=table,
            person_id=row[0],
            period=row[1],
            stored=None if row[2] else tuple(row[4 : 4 + width]),
            counted=None if row[3] else tuple(row[4 + width :]),
        )
        for row in rows
    ]


def cluster() -> None:
    """Rewrite each roll-up table in the order of its period index (PostgreSQL's CLUSTER, then ANALYZE), so that a
    period's rows sit together on disk and a report reads them from a few pages, not one page per row.

    The period blocks (`PeopleBlock`) are rewritten in block order too. For after a bulk load (`seed_demo --scale`,
    an import), which writes the rows person by person. Live data needs it rarely: a month's rows are written during
    that month. Each table is locked while it is rewritten (a report
    waits; on the large benchmark set the four take about 6 s), and only the owning role may do it
    (`chime.dbroles.as_owner`)."""
    with connection.cursor() as cursor:
        for table, (key, _) in ROLLUPS.items():
            cursor.execute(f"CLUSTER {table} USING rollup_{key}_idx")  # noqa: S608 - names from the models
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - names from the models
        cursor.execute(f"CLUSTER {BLOCK_TABLE} USING one_people_block")  # noqa: S608 - names from the models
        cursor.execute(f"ANALYZE {BLOCK_TABLE}")  # noqa: S608 - names from the models


@transaction.atomic
def rebuild() -> tuple[int, Differences]:
    """Replace the roll-ups with a recount, and the period blocks with those the recount gives, with writes to the
    records they count held off meanwhile, then compare again. Returns how many rows differed before, and the first
    20 of them; raises if any still differ."""
    with connection.cursor() as cursor:
        # SHARE ROW EXCLUSIVE: reads go on; none of the records counted, nor the roll-ups, change until this commits.
        sources = [
            SESSION_TABLE,
            AREA_TABLE,
            SIGNPOST_TABLE,
            DIRECTORY_TABLE,
            MEASURE_TABLE,
            ATTENDANCE_TABLE,
            MEETING_TABLE,
        ]
        tables = ", ".join([*sources, *ROLLUPS, *(history.table for history in HISTORIES), BLOCK_TABLE])
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        before, shown = differences(limit=20)
        if before:
            columns = ", ".join(COUNTS)
            for table, (key, _) in ROLLUPS.items():
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                cursor.execute(  # in period order, as `cluster` leaves them
                    f"INSERT INTO {table} (person_id, {key}, {columns}) {recount_sql(table)} ORDER BY 2, 1"  # noqa: S608
                )
            for history in HISTORIES:
                cursor.execute(f"DELETE FROM {history.table}")  # noqa: S608
                cursor.execute(f"INSERT INTO {history.table} ({history.columns}) {history.recount()}")  # noqa: S608
            # The roll-ups' triggers kept the blocks in step with them; blocks that were wrong stay wrong that way.
            blocks = ", ".join(("level", "block", "part", "chunk", *COUNTS, *map(had, PEOPLE_COUNTS)))
            cursor.execute(f"DELETE FROM {BLOCK_TABLE}")  # noqa: S608
            cursor.execute(f"INSERT INTO {BLOCK_TABLE} ({blocks}) {recount_blocks_sql()} ORDER BY 1, 2, 3, 4")  # noqa: S608
            # Figures worked out from the rows replaced were wrong, and rebuilding notes no change: forget them all.
            cursor.execute(f"DELETE FROM {KEPT_TABLE}")  # noqa: S608 - a name from the models
    after, _ = differences(limit=0)
    if after:
        raise RuntimeError(f"{after} roll-up rows still differ from the recount after rebuilding.")
    return before, shown
