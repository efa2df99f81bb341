"""The anonymised report for commissioners: what the organisation did in a date range, in CHIME terms.

No names, no notes, and no small numbers: any count below 5 is shown as "fewer than 5", and a figure derived
from a suppressed count (a percentage, hours) is not shown either. The page and the CSV are built from the
same rows, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from chime.framework import AREAS
from sessions import hooks, rollups
from sessions.models import (
    Attendance,
    BriefContact,
    GroupMeeting,
    Measure,
    MeasureResponse,
    Person,
    RecoveryGoal,
)

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


@dataclass
class Report:
    start: dt.date
    end: dt.date
    rows: list[ReportRow]

    @property
    def period(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def sections(self) -> list[tuple[str, list[ReportRow]]]:
        grouped: dict[str, list[ReportRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.section, []).append(row)
        return list(grouped.items())

    def csv_rows(self) -> list[tuple[str, str, str]]:
        return [(row.section, row.label, row.value) for row in self.rows]


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter: how commissioners usually ask."""
    this_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def commissioners_report(start: dt.date, end: dt.date) -> Report:
    """The figures for [start, end] inclusive, in two queries (plus the concerns hook)."""
    since, until = _bounds(start, end)
    people = hooks.reportable_people(Person.objects.all())
    totals, by_area = rollups.session_figures(start, end, people)
    rows = [
        ReportRow("Summary", "People supported", shown(totals["people"])),
        ReportRow("Summary", "Sessions", shown(totals["sessions"])),
        ReportRow("Summary", "Hours of support", _hours(totals["minutes"], totals["sessions"])),
    ]
    for area in AREAS:
        found = by_area.get(area.code, {"sessions": 0, "people": 0})
        rows += [
            ReportRow("CHIME area coverage", f"{area.name}: sessions", shown(found["sessions"])),
            ReportRow(
                "CHIME area coverage",
                f"{area.name}: share of sessions",
                _share(found["sessions"], totals["sessions"]),
            ),
            ReportRow("CHIME area coverage", f"{area.name}: people", shown(found["people"])),
        ]
    rows += [
        ReportRow("Signposting", "Sessions with signposting", shown(totals["signposted"])),
        ReportRow("Signposting", "People signposted", shown(totals["people_signposted"])),
    ]
    rows += _distance_rows(start, end, people)
    rows += _group_rows(since, until, people)
    rows += _concern_rows(since, until)
    return Report(start=start, end=end, rows=rows)


def _distance_rows(start: dt.date, end: dt.date, people: QuerySet) -> list[ReportRow]:
    """Distance travelled: for each measure, the people with at least two completed in the period, their average
    first-to-last change, and how many changed by the published threshold; then goals set and steps done.
    Three queries (the measures, their results in the period, the plan counts)."""
    rows: list[ReportRow] = []
    results = (
        MeasureResponse.objects.filter(
            taken_on__gte=start, taken_on__lte=end, declined=False, total__isnull=False, person__in=people
        )
        .order_by("measure_id", "person_id", "taken_on", "pk")
        .values_list("measure_id", "person_id", "total")
    )
    firsts_and_lasts: dict[tuple[int, int], list] = {}
    for measure_id, person_id, total in results:
        pair = firsts_and_lasts.setdefault((measure_id, person_id), [total, total, 0])
        pair[1], pair[2] = total, pair[2] + 1
    for measure in Measure.objects.filter(is_active=True):
        pairs = [(f, last) for (m, _), (f, last, n) in firsts_and_lasts.items() if m == measure.pk and n >= 2]
        rows += _measure_rows(measure, pairs)
    plans = RecoveryGoal.objects.filter(plan__person__in=people).aggregate(
        goals=Count("pk", filter=Q(created_at__date__gte=start, created_at__date__lte=end)),
        steps=Count("steps", filter=Q(steps__done_on__gte=start, steps__done_on__lte=end)),
    )
    rows += [
        ReportRow("Recovery plans", "Goals set", shown(plans["goals"])),
        ReportRow("Recovery plans", "Steps completed", shown(plans["steps"])),
    ]
    return rows


def _measure_rows(measure: Measure, pairs: list[tuple]) -> list[ReportRow]:
    section = f"Distance travelled: {measure.short_name}"
    people = len(pairs)
    changes = [measure.change_between(first, last) for first, last in pairs]
    average = sum(last - first for first, last in pairs) / people if people else 0
    rows = [
        ReportRow(section, "People with at least two in the period", shown(people)),
        ReportRow(
            section,
            "Average change, first to last",
            "not shown (small numbers)" if people < SMALL_NUMBER else f"{average:+.1f}",
        ),
    ]
    if measure.change_threshold is None:
        return [*rows, ReportRow(section, "Change by a published threshold", "no threshold is published")]
    threshold = f"{measure.change_threshold.normalize():f}"
    kind = measure.get_change_threshold_kind_display()
    labels = {
        "improved": f"Better by at least {threshold} (the published {kind})",
        "same": f"Within {threshold} either way",
        "worse": f"Harder by at least {threshold}",
    }
    rows += [ReportRow(section, label, shown(changes.count(outcome))) for outcome, label in labels.items()]
    return rows


def _hours(minutes: int, sessions: int, what: str = "sessions") -> str:
    return f"{SUPPRESSED} {what}" if sessions < SMALL_NUMBER else f"{minutes / 60:,.1f}"


def _group_rows(since: dt.datetime, until: dt.datetime, people: QuerySet) -> list[ReportRow]:
    """Group work and brief contacts, with the same small-number rules, in four queries.

    Attendances count everyone who came (named, unnamed, and anyone named who was later erased); distinct people
    count only named people the report may count (`reportable_people`)."""
    meetings = GroupMeeting.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
    totals = meetings.aggregate(
        meetings=Count("pk"),
        groups=Count("group", distinct=True),
        minutes=Sum("duration_minutes", default=0),
        unnamed=Sum("anonymous_count", default=0),
    )
    attended = Attendance.objects.filter(meeting__in=meetings).aggregate(
        rows=Count("pk"), people=Count("person", distinct=True, filter=Q(person__in=people))
    )
    contacts = BriefContact.objects.filter(occurred_at__gte=since, occurred_at__lt=until).aggregate(
        contacts=Count("pk"), signposted=Count("pk", filter=~Q(signposted_to=""))
    )
    by_area = _meeting_area_coverage(meetings)
    section = "Group work"
    rows = [
        ReportRow(section, "Groups run", shown(totals["groups"])),
        ReportRow(section, "Group meetings", shown(totals["meetings"])),
        ReportRow(section, "Attendances (named and unnamed)", shown(attended["rows"] + totals["unnamed"])),
        ReportRow(section, "Different people named on registers", shown(attended["people"])),
        ReportRow(
            section, "Hours of group support", _hours(totals["minutes"], totals["meetings"], "meetings")
        ),
    ]
    for area in AREAS:
        count = by_area.get(area.code, 0)
        rows += [
            ReportRow("CHIME area coverage of group work", f"{area.name}: meetings", shown(count)),
            ReportRow(
                "CHIME area coverage of group work",
                f"{area.name}: share of meetings",
                _share(count, totals["meetings"]),
            ),
        ]
    rows += [
        ReportRow("Brief contacts", "Brief contacts", shown(contacts["contacts"])),
        ReportRow("Brief contacts", "Brief contacts with signposting", shown(contacts["signposted"])),
    ]
    return rows


def _meeting_area_coverage(meetings: QuerySet) -> dict[str, int]:
    """How many meetings touched each CHIME area (one grouped query over the unnested area lists)."""
    meetings_sql, params = meetings.values("areas").query.sql_with_params()
    sql = f"SELECT area, COUNT(*) FROM ({meetings_sql}) m, unnest(m.areas) AS area GROUP BY area"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _share(count: int, total: int) -> str:
    if count < SMALL_NUMBER or total < SMALL_NUMBER:
        return "not shown (small numbers)"
    return f"{100 * count / total:.0f}%"


def _concern_rows(since: dt.datetime, until: dt.datetime) -> list[ReportRow]:
    concerns = hooks.concerns_by_type_and_outcome(since, until)
    if concerns is None:
        return [ReportRow("Safeguarding concerns", "By type and outcome", "not recorded in Chime yet")]
    if not concerns:
        return [ReportRow("Safeguarding concerns", "All concerns", shown(0))]
    return [ReportRow("Safeguarding concerns", f"{c.kind}: {c.outcome}", shown(c.count)) for c in concerns]
