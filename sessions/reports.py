"""The anonymised report for commissioners: what the organisation did in a date range, in CHIME terms.

No names, no notes, and no small numbers: any count below 5 is shown as "fewer than 5", and a figure derived
from a suppressed count (a percentage, hours) is not shown either. The page and the CSV are built from the
same rows, so they always agree. Each row names its definition (sessions/report_definitions.py), and the page
shows the previous period beside each figure: the same function run over the period just before
(`previous_range`), each figure suppressed on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from chime import side_by_side
from chime.framework import AREAS
from sessions import hooks, kept_figures, rollups
from sessions.kept_figures import PeriodFigures
from sessions.models import (
    BriefContact,
    BriefContactSignpost,
    DirectoryService,
    GoalStep,
    GroupMeeting,
    Measure,
    Person,
    RecoveryGoal,
    RecoveryPlan,
)
from sessions.report_definitions import DEFINITIONS, Definition
from sessions.report_ratings import VIEW_SECTIONS, rating_changes
from sessions.rollup_triggers import MEASURES
from sessions.service_kinds import REPORTED_KINDS, TYPED

SMALL_NUMBER = 5
SUPPRESSED = "fewer than 5"


def shown(count: int) -> str:
    """A count as a commissioner sees it."""
    return SUPPRESSED if count < SMALL_NUMBER else f"{count:,}"


@dataclass(frozen=True)
class ReportRow:
    section: str
    label: str
    value: str
    code: str = ""  # a key of DEFINITIONS: what the figure means
    number: int | None = None  # the count to draw; None when it is suppressed (never drawn) or not a count

    @property
    def definition(self) -> Definition:
        return DEFINITIONS[self.code]


def _count(section: str, label: str, count: int, code: str) -> ReportRow:
    """A count as a row: shown as words, and drawn only when it is not suppressed."""
    return ReportRow(section, label, shown(count), code, count if count >= SMALL_NUMBER else None)


@dataclass(frozen=True)
class Line:
    """One figure: this period's row and the same figure for the previous period."""

    row: ReportRow
    previous: ReportRow | None

    @property
    def csv(self) -> tuple[str, str, str, str, str]:
        row = self.row
        return (
            row.section,
            row.label,
            row.value,
            self.previous.value if self.previous else "",
            row.definition.meaning,
        )


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Line]

    @property
    def definitions(self) -> list[Definition]:
        """Each kind of figure in the section once, in the order they first appear."""
        return list(dict.fromkeys(line.row.definition for line in self.lines))


@dataclass
class Report:
    start: dt.date
    end: dt.date
    rows: list[ReportRow]
    previous: Report | None = None  # the same figures for the period just before (see `report_for`)
    produced_at: dt.datetime | None = None

    @property
    def period(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def lines(self) -> list[Line]:
        """Each figure beside its previous value. A figure found in one period only (a type of concern raised in
        one of them) is a count of none in the other, so it reads "fewer than 5" there."""
        if self.previous is None:
            return [Line(row, None) for row in self.rows]
        before = {(row.section, row.label): row for row in self.previous.rows}
        lines = [
            Line(row, before.pop((row.section, row.label), None) or _none_like(row)) for row in self.rows
        ]
        return lines + [Line(_none_like(row), row) for row in before.values()]

    def sections(self) -> list[Section]:
        grouped: dict[str, list[Line]] = {}
        for line in self.lines():
            grouped.setdefault(line.row.section, []).append(line)
        return [Section(title, lines) for title, lines in grouped.items()]

    def csv_rows(self) -> list[tuple[str, str, str, str, str]]:
        return [line.csv for line in self.lines()]


CSV_HEADER = ("section", "figure", "value", "previous period", "definition")


def _none_like(row: ReportRow) -> ReportRow:
    return ReportRow(row.section, row.label, shown(0), row.code)


def report_for(start: dt.date, end: dt.date) -> Report:
    """The report for [start, end] with the previous period beside it: the same figures for both, reckoned
    together (`_reports`), so the report page makes a fixed number of queries, however large the data."""
    report, previous = _reports([(start, end), previous_range(start, end)])
    report.previous = previous
    report.produced_at = timezone.now()
    return report


def commissioners_report(start: dt.date, end: dt.date) -> Report:
    """The figures for [start, end] inclusive, on their own."""
    return _reports([(start, end)])[0]


def previous_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before: whole calendar months step back by months (the quarter
    before a quarter, February before March), any other range by the same number of days."""
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.year * 12 + start.month - 1 - months
        return dt.date(first // 12, first % 12 + 1, 1), start - dt.timedelta(days=1)
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter: how commissioners usually ask."""
    this_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


# The financial year organisations report on: the UK's, from 1 April (any other range can still be chosen).
FINANCIAL_YEAR_STARTS = 4


def usual_ranges(today: dt.date) -> list[tuple[str, tuple[dt.date, dt.date]]]:
    """The ranges commissioners usually ask for, by name: offered as quick choices on the report page, and
    prepared ahead by the background worker (`prepare_usual_ranges`), so each is found kept when opened."""
    this_month = today.replace(day=1)
    last_month_end = this_month - dt.timedelta(days=1)
    year_start = today.year if today.month >= FINANCIAL_YEAR_STARTS else today.year - 1
    financial_year = dt.date(year_start, FINANCIAL_YEAR_STARTS, 1)
    return [
        ("Last month", (last_month_end.replace(day=1), last_month_end)),
        ("Last quarter", default_range(today)),
        ("Last 12 months", (this_month.replace(year=this_month.year - 1), last_month_end)),
        ("This financial year so far", (financial_year, today)),
        (
            "Last financial year",
            (financial_year.replace(year=year_start - 1), financial_year - dt.timedelta(days=1)),
        ),
        ("Last calendar year", (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))),
    ]


def prepare_usual_ranges(today: dt.date) -> int:
    """Work out and keep the costly figures of each usual range and its previous period that are not kept, or
    were set aside by a change since (sessions/kept_figures.py, `prepare`). Returns how many (period, part)
    figures were worked out: none, in one query, when nothing has changed."""
    periods = list(
        dict.fromkeys(p for _, found in usual_ranges(today) for p in (found, previous_range(*found)))
    )
    with _report_queries() as people:
        return kept_figures.prepare(periods, people, _costly_figures)


@contextmanager
def _report_queries() -> Iterator[QuerySet]:
    """The transaction the report's figures are read in, and the people it may count (the consent filter for
    reporting, `hooks.reportable_people`).

    PostgreSQL's parallel workers are off in it: each query reads tens of thousands of roll-up rows, which one
    process does faster than several that must pass their rows on to be merged (the previous year's session
    figures took 99 ms in parallel and 47 ms without, on the large benchmark set), and on a small server the
    workers would take the cores other requests are waiting for. So is its JIT compiler, which the largest
    organisations' reports would set off: compiling cost more than it saved (CHIME rating change on the ten-times
    set: 780 ms with it, 564 ms without). Its work_mem is 32 MB: it was raised when the session figures grouped the
    roll-ups of 100,000 people by person (with the default 4 MB that spilled 28 MB to disk), and it keeps in memory
    what still grows with the people, such as the set of people the consent filter for reporting keeps."""
    with _report_transaction():
        yield hooks.reportable_people(Person.objects.all())


@contextmanager
def _report_transaction() -> Iterator[None]:
    """A transaction with the report's settings (`_report_queries`), on this thread's connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL work_mem = '32MB'"
        )
        yield


def _reports(periods: list[tuple[dt.date, dt.date]]) -> list[Report]:
    """The figures for each period, in a fixed number of queries whatever the history. Each person's ratings and
    measure results in order are read once for all the periods (`rollups.changes_in`)."""
    with _report_queries() as people:
        costly = kept_figures.figures_for(periods, people, _costly_figures)
        offered = list(Measure.objects.filter(is_active=True))
        activity = zip(
            _group_work(periods), _brief_contacts(periods), _plan_counts(periods, people), strict=True
        )
        return [
            Report(start=start, end=end, rows=_figures(start, end, costly[i], offered, *found))
            for i, ((start, end), found) in enumerate(zip(periods, activity, strict=True))
        ]


def _costly_figures(
    periods: list[tuple[dt.date, dt.date]], people: QuerySet, parts: tuple[int, ...]
) -> list[dict[int, PeriodFigures]]:
    """The figures that read a row or more per person counted, for each period and each of `parts` of the people
    (`rollups.PARTS`): its session figures (`rollups.session_figures_by_part`), CHIME rating change and distance
    travelled. They are kept once worked out, and used again until what they count changes
    (sessions/kept_figures.py); a part's figures count only its people, so a change to one person's records is
    worked out again for their part alone.

    The CHIME rating change is read on a second connection (`chime.side_by_side`) when the transaction allows it,
    while the session figures and distance travelled are read on this one, so a report worked out afresh uses two
    of the server's cores. The halves read different tables, so nothing is read twice. On the ten-times benchmark
    set, for a year and the year before, the rating change takes about 420 ms, distance travelled about 110, and
    the session figures 20 ms from the period blocks (710 ms with the consent filter for reporting on, whose sums
    read the counted people's roll-ups): see README, "Two cores". The report's transaction has written nothing when
    its figures are worked out, so the second connection sees all this one would; inside a larger transaction (a
    test's, say), everything is read here."""

    def here() -> tuple[list, list]:
        sessions = [rollups.session_figures_by_part(start, end, people, parts) for start, end in periods]
        return sessions, _measure_changes(periods, people, parts)

    def ratings() -> list:
        return rating_changes(periods, people, parts)

    def on_the_second_connection() -> list:
        with _report_transaction():
            return ratings()

    if side_by_side.may_share():
        (sessions, measures), ratings_found = side_by_side.both(here, on_the_second_connection)
    else:
        (sessions, measures), ratings_found = here(), ratings()
    return [
        {part: PeriodFigures(sessions[i][part], ratings_found[i][part], measures[i][part]) for part in parts}
        for i in range(len(periods))
    ]


def _figures(
    start: dt.date,
    end: dt.date,
    costly: PeriodFigures,
    offered: list[Measure],
    meetings: dict[str, int],
    contacts: dict[str, int],
    plan_counts: tuple[int, int],
) -> list[ReportRow]:
    """The report's rows for [start, end], given what `_reports` read for all the periods at once: its costly
    figures (`_costly_figures`: session figures, rating changes, measure changes), the measures offered, its group
    meetings (`_group_work`), its brief contacts (`_brief_contacts`) and its goals set and steps done
    (`_plan_counts`)."""
    since, until = rollups.bounds(start, end)
    figures, ratings, measures = costly.sessions, costly.ratings, costly.measures
    totals, by_area = figures.totals, figures.by_area
    rows = [
        _count("Summary", "People supported", totals["people"], "people"),
        _count("Summary", "Sessions", totals["sessions"], "sessions"),
        ReportRow("Summary", "Hours of support", _hours(totals["minutes"], totals["sessions"]), "hours"),
    ]
    for area in AREAS:
        found = by_area.get(area.code, {"sessions": 0, "people": 0})
        rows += [
            _count("CHIME area coverage", f"{area.name}: sessions", found["sessions"], "area_sessions"),
            ReportRow(
                "CHIME area coverage",
                f"{area.name}: share of sessions",
                _share(found["sessions"], totals["sessions"]),
                "area_share",
            ),
            _count("CHIME area coverage", f"{area.name}: people", found["people"], "area_people"),
        ]
    rows += [
        _count("Signposting", "Sessions with signposting", totals["signposted"], "signposted_sessions"),
        _count("Signposting", "People signposted", totals["people_signposted"], "people_signposted"),
    ]
    rows += _signposting_by_kind_rows(figures.by_kind, contacts)
    rows += _distance_rows(measures, offered, plan_counts)
    rows += _rating_change_rows(ratings)
    rows += _group_rows(meetings, contacts, totals["people_on_registers"], totals["register_entries"])
    rows += _concern_rows(since, until)
    return rows


def _signposting_by_kind_rows(
    by_kind: dict[str, dict[str, int]], contacts: dict[str, int]
) -> list[ReportRow]:
    """Signposted, by kind of service: for each kind in the directory, the sessions and the different people
    signposted to a service of that kind (from the roll-ups, `by_kind`), and the brief contacts (`_brief_contacts`);
    "somewhere else (typed)" is its own line. A session or contact that names two services of one kind counts once
    for it."""
    section = "Signposted, by kind of service"
    rows: list[ReportRow] = []
    for kind, label in REPORTED_KINDS:
        found = by_kind.get(kind, {"sessions": 0, "people": 0})
        rows += [
            _count(section, f"{label}: sessions", found["sessions"], "kind_sessions"),
            _count(section, f"{label}: people", found["people"], "kind_people"),
            _count(section, f"{label}: brief contacts", contacts.get(f"to_{kind}", 0), "kind_contacts"),
        ]
    return rows


def _in_periods(periods: list[tuple[dt.date, dt.date]]) -> tuple[str, list]:
    """SQL for a FROM clause, and its parameters: a row per period, `period (i, since, until, first, last)`, its
    index in `periods`, its moments [since, until) (`rollups.bounds`) and its first and last days."""
    rows = ", ".join("(%s, %s::timestamptz, %s::timestamptz, %s::date, %s::date)" for _ in periods)
    params = [
        value
        for i, (start, end) in enumerate(periods)
        for value in (i, *rollups.bounds(start, end), start, end)
    ]
    return f"(VALUES {rows}) AS period (i, since, until, first, last)", params


def _group_work(periods: list[tuple[dt.date, dt.date]]) -> list[dict[str, int]]:
    """For each period: its group meetings, the groups that met, their minutes, the people who came unnamed, and
    the meetings that touched each CHIME area (`area_<code>`), in one query for all the periods (each period's
    meetings counted on their own: grouped by period in one pass, the large benchmark set's took 24 ms, not 15)."""
    in_periods, params = _in_periods(periods)
    areas = ", ".join("COUNT(*) FILTER (WHERE m.areas @> ARRAY[%s]::varchar[])" for _ in AREAS)
    sql = f"""
        SELECT period.i, meetings.*
        FROM {in_periods}, LATERAL (
            SELECT COUNT(*), COUNT(DISTINCT m.group_id), COALESCE(SUM(m.duration_minutes), 0),
                   COALESCE(SUM(m.anonymous_count), 0), {areas}
            FROM {GroupMeeting._meta.db_table} m
            WHERE m.occurred_at >= period.since AND m.occurred_at < period.until
        ) AS meetings
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(area.code for area in AREAS)])
        found = {i: rest for i, *rest in cursor.fetchall()}
    names = ["meetings", "groups", "minutes", "unnamed", *(f"area_{area.code}" for area in AREAS)]
    return [dict(zip(names, map(int, found[i]), strict=True)) for i in range(len(periods))]


def _brief_contacts(periods: list[tuple[dt.date, dt.date]]) -> list[dict[str, int]]:
    """For each period: its brief contacts (`contacts`), those with any signposting (`signposted`), and those
    signposted to each kind of service (`to_<kind>`, `to_typed` for somewhere typed in; a contact that names two
    services of one kind counts once for it), in one query for all the periods."""
    in_periods, params = _in_periods(periods)
    contact, link, service = (
        m._meta.db_table for m in (BriefContact, BriefContactSignpost, DirectoryService)
    )
    sql = f"""
        WITH contacts AS MATERIALIZED (
            SELECT period.i, b.id, b.signposted_to
            FROM {in_periods}
            JOIN {contact} b ON b.occurred_at >= period.since AND b.occurred_at < period.until
        )
        SELECT i, 'contacts', COUNT(*) FROM contacts GROUP BY i
        UNION ALL
        SELECT i, 'signposted', COUNT(*) FROM contacts c
        WHERE c.signposted_to <> '' OR EXISTS (SELECT 1 FROM {link} l WHERE l.contact_id = c.id)
        GROUP BY i
        UNION ALL
        SELECT i, 'to_' || kind, COUNT(DISTINCT id) FROM (
            SELECT c.i, c.id, d.kind FROM contacts c
            JOIN {link} l ON l.contact_id = c.id JOIN {service} d ON d.id = l.service_id
          UNION ALL
            SELECT c.i, c.id, %s FROM contacts c WHERE c.signposted_to <> ''
        ) AS kinds
        GROUP BY i, kind
    """  # noqa: S608 - table names from the models, values as parameters
    found: list[dict[str, int]] = [{} for _ in periods]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, TYPED])
        for i, what, count in cursor.fetchall():
            found[i][what] = count
    return found


def _measure_changes(
    periods: list[tuple[dt.date, dt.date]], people: QuerySet, parts: tuple[int, ...]
) -> list[dict[int, dict[int, list[tuple]]]]:
    """For each period, and each of `parts` of the people: measure id -> [(first-to-last change, how many people
    changed by it)], over the people with at least two results in the period: one query, each person's results in
    order (`MeasureHistory`) read once for all the periods, as CHIME rating change reads ratings
    (`rollups.changes_in`), and counted by their part and change in each period (a grouping set per period), so a
    year comes back as a few hundred rows."""
    changes: list[dict[int, dict[int, list[tuple]]]] = [{part: {} for part in parts} for _ in periods]
    found = rollups.changes_in(MEASURES, periods, people, parts)
    if found is None:
        return changes
    per_person, params = found
    each = [f"change{i}" for i in range(len(periods))]
    sql = f"""
        SELECT part, measure_id, {", ".join(f"GROUPING({c})" for c in each)}, {", ".join(each)}, COUNT(*)
        FROM ({per_person}) AS changes
        GROUP BY GROUPING SETS ({", ".join(f"(part, measure_id, {c})" for c in each)})
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, measure_id, *found_in, people_count in cursor.fetchall():
            period = found_in.index(0)  # the grouping set this row belongs to: its change is not grouped away
            change = found_in[len(periods) + period]
            if change is not None:  # those with fewer than two results in the period
                changes[period][part].setdefault(measure_id, []).append((change, people_count))
    return changes


def _distance_rows(
    changes: dict[int, list[tuple]], offered: list[Measure], plan_counts: tuple[int, int]
) -> list[ReportRow]:
    """Distance travelled: for each measure `offered`, the people with at least two completed in the period, their
    average first-to-last change, and how many changed by the published threshold (from `changes`,
    `_measure_changes`); then goals set and steps done (`_plan_counts`)."""
    rows: list[ReportRow] = []
    for measure in offered:
        rows += _measure_rows(measure, changes.get(measure.pk, []))
    goals, steps = plan_counts
    rows += [
        _count("Recovery plans", "Goals set", goals, "goals"),
        _count("Recovery plans", "Steps completed", steps, "steps"),
    ]
    return rows


def _plan_counts(periods: list[tuple[dt.date, dt.date]], people: QuerySet) -> list[tuple[int, int]]:
    """For each period, goals set and steps completed in it by the people counted, in one query for all the
    periods. A goal's person is its plan's, read only when the consent filter for reporting leaves someone out."""
    counted, counted_params = rollups.counted_or_nobody(people)
    in_periods, params = _in_periods(periods)
    goals, plans, steps = (m._meta.db_table for m in (RecoveryGoal, RecoveryPlan, GoalStep))
    if counted:
        counted = f" AND g.plan_id IN (SELECT p.id FROM {plans} p WHERE TRUE{counted.format('p.person_id')})"  # noqa: S608 - names from the models
    sql = f"""
        SELECT (SELECT COUNT(*) FROM {goals} g
                WHERE g.created_at >= period.since AND g.created_at < period.until{counted}),
               (SELECT COUNT(*) FROM {steps} s JOIN {goals} g ON g.id = s.goal_id
                WHERE s.done_on >= period.first AND s.done_on <= period.last{counted})
        FROM {in_periods}
        ORDER BY period.i
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*counted_params, *counted_params, *params])
        return [tuple(row) for row in cursor.fetchall()]


def _measure_rows(measure: Measure, changes: list[tuple]) -> list[ReportRow]:
    """The measure's rows from (first-to-last change, how many people changed by it)."""
    section = f"Distance travelled: {measure.short_name}"
    people = sum(count for _, count in changes)
    average = sum(change * count for change, count in changes) / people if people else 0
    outcomes = Counter()
    for change, count in changes:
        outcomes[measure.change_between(0, change)] += count
    rows = [
        _count(section, "People with at least two in the period", people, "measure_people"),
        ReportRow(
            section,
            "Average change, first to last",
            "not shown (small numbers)" if people < SMALL_NUMBER else f"{average:+.1f}",
            "measure_average",
        ),
    ]
    if measure.change_threshold is None:
        return [
            *rows,
            ReportRow(
                section,
                "Change by a published threshold",
                "no threshold is published",
                "measure_no_threshold",
            ),
        ]
    threshold = f"{measure.change_threshold.normalize():f}"
    kind = measure.get_change_threshold_kind_display()
    labels = {
        "improved": f"Better by at least {threshold} (the published {kind})",
        "same": f"Within {threshold} either way",
        "worse": f"Harder by at least {threshold}",
    }
    rows += [
        _count(section, label, outcomes[outcome], f"measure_{outcome}") for outcome, label in labels.items()
    ]
    return rows


def _hours(minutes: int, sessions: int, what: str = "sessions") -> str:
    return f"{SUPPRESSED} {what}" if sessions < SMALL_NUMBER else f"{minutes / 60:,.1f}"


def _group_rows(
    totals: dict[str, int], contacts: dict[str, int], people_on_registers: int, register_entries: int
) -> list[ReportRow]:
    """Group work and brief contacts, with the same small-number rules, from the period's meetings
    (`_group_work`), its brief contacts (`_brief_contacts`) and two figures from the session figures' query
    (`rollups.session_figures_by_part`).

    Attendances count everyone who came (named, unnamed, and anyone named who was later erased:
    `register_entries`); different people (`people_on_registers`) count only named people the report may count
    (`reportable_people`)."""
    section = "Group work"
    rows = [
        _count(section, "Groups run", totals["groups"], "groups"),
        _count(section, "Group meetings", totals["meetings"], "meetings"),
        _count(
            section, "Attendances (named and unnamed)", register_entries + totals["unnamed"], "attendances"
        ),
        _count(section, "Different people named on registers", people_on_registers, "group_people"),
        ReportRow(
            section,
            "Hours of group support",
            _hours(totals["minutes"], totals["meetings"], "meetings"),
            "group_hours",
        ),
    ]
    for area in AREAS:
        count = totals[f"area_{area.code}"]
        rows += [
            _count(
                "CHIME area coverage of group work", f"{area.name}: meetings", count, "group_area_meetings"
            ),
            ReportRow(
                "CHIME area coverage of group work",
                f"{area.name}: share of meetings",
                _share(count, totals["meetings"]),
                "group_area_share",
            ),
        ]
    rows += [
        _count("Brief contacts", "Brief contacts", contacts.get("contacts", 0), "brief_contacts"),
        _count(
            "Brief contacts",
            "Brief contacts with signposting",
            contacts.get("signposted", 0),
            "brief_signposted",
        ),
    ]
    return rows


def _share(count: int, total: int) -> str:
    if count < SMALL_NUMBER or total < SMALL_NUMBER:
        return "not shown (small numbers)"
    return f"{100 * count / total:.0f}%"


def _concern_rows(since: dt.datetime, until: dt.datetime) -> list[ReportRow]:
    concerns = hooks.concerns_by_type_and_outcome(since, until)
    section = "Safeguarding concerns"
    if concerns is None:
        return [
            ReportRow(section, "By type and outcome", "not recorded in Chime yet", "concerns_not_recorded")
        ]
    # "All concerns" is always there, so that it sits beside the previous period's whatever was raised in each.
    return [
        _count(section, "All concerns", sum(c.count for c in concerns), "concerns_all"),
        *(_count(section, f"{c.kind}: {c.outcome}", c.count, "concerns") for c in concerns),
    ]


def _rating_change_rows(changes: dict[tuple[str, str], tuple]) -> list[ReportRow]:
    """CHIME rating change per area from `changes` (`rating_changes`), a section for each view (their own, agreed
    together, the practitioner's): a person's first and last rating of an area are compared only within one view,
    as the views answer different questions."""
    rows: list[ReportRow] = []
    for view, section in VIEW_SECTIONS:
        for area in AREAS:
            count, total, up, same, down = changes.get((view, area.code), (0, 0, 0, 0, 0))
            average = total / count if count else 0
            rows += [
                _count(section, f"{area.name}: people with two or more ratings", count, "rating_people"),
                ReportRow(
                    section,
                    f"{area.name}: average change, first to last",
                    "not shown (small numbers)" if count < SMALL_NUMBER else f"{average:+.1f}",
                    "rating_average",
                ),
                _count(section, f"{area.name}: went up", up, "rating_up"),
                _count(section, f"{area.name}: stayed the same", same, "rating_same"),
                _count(section, f"{area.name}: went down", down, "rating_down"),
            ]
    return rows
