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
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from chime.framework import AREAS
from sessions import hooks, rollups
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


def _reports(periods: list[tuple[dt.date, dt.date]]) -> list[Report]:
    """The figures for each period, in a fixed number of queries whatever the history. Each person's ratings and
    measure results in order are read once for all the periods (`rollups.changes_in`).

    PostgreSQL's parallel workers are off for these queries: each reads tens of thousands of roll-up rows, which
    one process does faster than several that must pass their rows on to be merged (the previous year's session
    figures took 99 ms in parallel and 47 ms without, on the large benchmark set), and on a small server the
    workers would take the cores other requests are waiting for. So is its JIT compiler, which the largest
    organisations' reports would set off: compiling cost more than it saved (CHIME rating change on the ten-times
    set: 780 ms with it, 564 ms without)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off")
        people = hooks.reportable_people(Person.objects.all())
        ratings = rating_changes(periods, people)
        measures = _measure_changes(periods, people)
        offered = list(Measure.objects.filter(is_active=True))
        return [
            Report(start=start, end=end, rows=_figures(start, end, people, ratings[i], measures[i], offered))
            for i, (start, end) in enumerate(periods)
        ]


def _figures(
    start: dt.date,
    end: dt.date,
    people: QuerySet,
    ratings: dict[tuple[str, str], tuple],
    measures: dict[int, list[tuple]],
    offered: list[Measure],
) -> list[ReportRow]:
    """The report's rows for [start, end], given its rating changes, its measure changes and the measures offered."""
    since, until = rollups.bounds(start, end)
    figures = rollups.session_figures(start, end, people)
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
    rows += _signposting_by_kind_rows(figures.by_kind, since, until)
    rows += _distance_rows(start, end, people, measures, offered)
    rows += _rating_change_rows(ratings)
    rows += _group_rows(since, until, totals["people_on_registers"], totals["register_entries"])
    rows += _concern_rows(since, until)
    return rows


def _signposting_by_kind_rows(
    by_kind: dict[str, dict[str, int]], since: dt.datetime, until: dt.datetime
) -> list[ReportRow]:
    """Signposted, by kind of service: for each kind in the directory, the sessions and the different people
    signposted to a service of that kind (from the roll-ups, `by_kind`), and the brief contacts; "somewhere else
    (typed)" is its own line. A session or contact that names two services of one kind counts once for it."""
    contacts = _brief_contacts_by_kind(since, until)
    section = "Signposted, by kind of service"
    rows: list[ReportRow] = []
    for kind, label in REPORTED_KINDS:
        found = by_kind.get(kind, {"sessions": 0, "people": 0})
        rows += [
            _count(section, f"{label}: sessions", found["sessions"], "kind_sessions"),
            _count(section, f"{label}: people", found["people"], "kind_people"),
            _count(section, f"{label}: brief contacts", contacts.get(kind, 0), "kind_contacts"),
        ]
    return rows


def _brief_contacts_by_kind(since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """Brief contacts in [since, until) per kind of service they were signposted to, "typed" for somewhere typed
    in (one grouped query)."""
    sql = f"""
        SELECT kind, COUNT(DISTINCT contact_id) FROM (
            SELECT d.kind, b.id AS contact_id
            FROM {BriefContactSignpost._meta.db_table} l
            JOIN {DirectoryService._meta.db_table} d ON d.id = l.service_id
            JOIN {BriefContact._meta.db_table} b ON b.id = l.contact_id
            WHERE b.occurred_at >= %s AND b.occurred_at < %s
          UNION ALL
            SELECT %s, b.id FROM {BriefContact._meta.db_table} b
            WHERE b.signposted_to <> '' AND b.occurred_at >= %s AND b.occurred_at < %s
        ) AS signposts
        GROUP BY kind
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, TYPED, since, until])
        return dict(cursor.fetchall())


def _measure_changes(
    periods: list[tuple[dt.date, dt.date]], people: QuerySet
) -> list[dict[int, list[tuple]]]:
    """For each period, measure id -> [(first-to-last change, how many people changed by it)], over the people with
    at least two results in the period: one query, each person's results in order (`MeasureHistory`) read once for
    all the periods, as CHIME rating change reads ratings (`rollups.changes_in`), and counted by their change in
    each period (a grouping set per period), so a year comes back as a few dozen rows."""
    changes: list[dict[int, list[tuple]]] = [{} for _ in periods]
    found = rollups.changes_in(MEASURES, periods, people)
    if found is None:
        return changes
    per_person, params = found
    each = [f"change{i}" for i in range(len(periods))]
    sql = f"""
        SELECT measure_id, {", ".join(f"GROUPING({c})" for c in each)}, {", ".join(each)}, COUNT(*)
        FROM ({per_person}) AS changes
        GROUP BY GROUPING SETS ({", ".join(f"(measure_id, {c})" for c in each)})
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for measure_id, *found_in, people_count in cursor.fetchall():
            period = found_in.index(0)  # the grouping set this row belongs to: its change is not grouped away
            change = found_in[len(periods) + period]
            if change is not None:  # those with fewer than two results in the period
                changes[period].setdefault(measure_id, []).append((change, people_count))
    return changes


def _distance_rows(
    start: dt.date, end: dt.date, people: QuerySet, changes: dict[int, list[tuple]], offered: list[Measure]
) -> list[ReportRow]:
    """Distance travelled: for each measure `offered`, the people with at least two completed in the period, their
    average first-to-last change, and how many changed by the published threshold (from `changes`,
    `_measure_changes`); then goals set and steps done (one query: the plan counts)."""
    rows: list[ReportRow] = []
    for measure in offered:
        rows += _measure_rows(measure, changes.get(measure.pk, []))
    goals, steps = _plan_counts(start, end, people)
    rows += [
        _count("Recovery plans", "Goals set", goals, "goals"),
        _count("Recovery plans", "Steps completed", steps, "steps"),
    ]
    return rows


def _plan_counts(start: dt.date, end: dt.date, people: QuerySet) -> tuple[int, int]:
    """Goals set and steps completed in [start, end] by the people counted (one query). A goal's person is its
    plan's, read only when the consent filter for reporting leaves someone out."""
    counted, params = rollups.counted_or_nobody(people)
    since, until = rollups.bounds(start, end)
    goals, plans, steps = (m._meta.db_table for m in (RecoveryGoal, RecoveryPlan, GoalStep))
    if counted:
        counted = f" AND g.plan_id IN (SELECT p.id FROM {plans} p WHERE TRUE{counted.format('p.person_id')})"  # noqa: S608 - names from the models
    sql = f"""
        SELECT (SELECT COUNT(*) FROM {goals} g WHERE g.created_at >= %s AND g.created_at < %s{counted}),
               (SELECT COUNT(*) FROM {steps} s JOIN {goals} g ON g.id = s.goal_id
                WHERE s.done_on >= %s AND s.done_on <= %s{counted})
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, *params, start, end, *params])
        return cursor.fetchone()


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
    since: dt.datetime, until: dt.datetime, people_on_registers: int, register_entries: int
) -> list[ReportRow]:
    """Group work and brief contacts, with the same small-number rules, in two queries (the meetings, with how many
    touched each CHIME area; the brief contacts), and two figures from the session figures' query
    (`rollups.session_figures`).

    Attendances count everyone who came (named, unnamed, and anyone named who was later erased:
    `register_entries`); different people (`people_on_registers`) count only named people the report may count
    (`reportable_people`)."""
    meetings = GroupMeeting.objects.filter(occurred_at__gte=since, occurred_at__lt=until).order_by()
    totals = meetings.aggregate(
        meetings=Count("pk"),
        groups=Count("group", distinct=True),
        minutes=Sum("duration_minutes", default=0),
        unnamed=Sum("anonymous_count", default=0),
        **{f"area_{area.code}": Count("pk", filter=Q(areas__contains=[area.code])) for area in AREAS},
    )
    contacts = BriefContact.objects.filter(occurred_at__gte=since, occurred_at__lt=until).aggregate(
        contacts=Count("pk"),
        signposted=Count(
            "pk",
            filter=~Q(signposted_to="") | Exists(BriefContactSignpost.objects.filter(contact=OuterRef("pk"))),
        ),
    )
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
        _count("Brief contacts", "Brief contacts", contacts["contacts"], "brief_contacts"),
        _count(
            "Brief contacts", "Brief contacts with signposting", contacts["signposted"], "brief_signposted"
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
            count, average, up, same, down = changes.get((view, area.code), (0, 0, 0, 0, 0))
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
