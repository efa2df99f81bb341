"""Which CHIME areas a person's sessions touched, month by month, for the person page's chart and table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from chime.framework import AREAS, Area
from sessions.models import Attendance, GroupMeeting, Person, SessionArea, SupportSession, View
from sessions.rollup_triggers import day_of, month_of

MONTHS_SHOWN = 12


@dataclass
class AreaMonth:
    sessions: int = 0
    average_rating: float | None = None


@dataclass
class AreaRow:
    area: Area
    cells: list[AreaMonth]
    total: int


@dataclass
class MonthRow:
    """One month of a month-by-month table: its cells, one per CHIME area, and whether it is still going."""

    month: dt.date
    cells: list
    sessions: int
    partial: bool
    group_meetings: int = 0
    attendances: int = 0  # at group meetings, named and unnamed (the insights table)


def is_partial(month: dt.date) -> bool:
    """The month in progress: its figures are so far, not the month's."""
    today = timezone.localdate()
    return (month.year, month.month) == (today.year, today.month)


def _by_month(
    months: list[dt.date],
    rows: list,
    sessions_per_month: list[int],
    group_meetings: list[int] | None = None,
    attendances: list[int] | None = None,
) -> list[MonthRow]:
    """The table turned on its side (a row per month, a column per area), so it fits a phone's width."""
    return [
        MonthRow(
            month,
            [row.cells[i] for row in rows],
            sessions_per_month[i],
            is_partial(month),
            group_meetings[i] if group_meetings else 0,
            attendances[i] if attendances else 0,
        )
        for i, month in enumerate(months)
    ]


@dataclass
class AreaMonths:
    months: list[dt.date]
    rows: list[AreaRow]
    sessions_per_month: list[int]  # one-to-one sessions and group meetings attended
    group_meetings_per_month: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.sessions_per_month)

    @property
    def by_month(self) -> list[MonthRow]:
        return _by_month(self.months, self.rows, self.sessions_per_month, self.group_meetings_per_month)


def _month_starts(last: dt.date, count: int) -> list[dt.date]:
    months, year, month = [], last.year, last.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def shown_months() -> tuple[list[dt.date], dt.datetime]:
    """The twelve months a person's month tables and charts show (the month in progress last), and the moment the
    first of them began: the one window for sessions and check-ins alike."""
    months = _month_starts(timezone.localdate(), MONTHS_SHOWN)
    return months, timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))


def area_rows(
    months: list[dt.date], cells: dict[tuple[dt.date, str], dict], added: Counter | None = None
) -> list[AreaRow]:
    """A row per CHIME area with a cell per month, from `cells` ((month, area code) -> {"sessions": n,
    "average_rating": x}), plus `added[(month, code)]` (group meetings) where given."""
    rows = []
    for area in AREAS:
        row_cells = [
            AreaMonth(
                sessions=cells.get((m, area.code), {}).get("sessions", 0)
                + (added[(m, area.code)] if added else 0),
                average_rating=cells.get((m, area.code), {}).get("average_rating"),
            )
            for m in months
        ]
        rows.append(AreaRow(area=area, cells=row_cells, total=sum(c.sessions for c in row_cells)))
    return rows


def _person_figures(person: Person, since: dt.datetime) -> list[tuple]:
    """Four grouped counts of the person's record since `since`, in one query (UNION ALL), each row `(kind, month,
    area, view, n, average)`, months as their first day in the organisation's time zone:
    - "area": sessions per (month, area), with the average of the person's own ratings;
    - "sessions": sessions per month;
    - "view": ratings per (area, whose view) over the whole twelve months, with their average;
    - "group": group meetings they came to per month and set of areas (the areas joined by commas; area codes have
      none), each meeting looked up by its key (`AttendanceQuerySet.with_meeting` says why).
    Written as SQL: the person page sends it on every view, and building it with the ORM took twice as long as
    running it (7 ms against 3 on the large benchmark set)."""
    session_month = month_of(day_of("s.occurred_at"))
    areas = (
        f"{SessionArea._meta.db_table} a JOIN {SupportSession._meta.db_table} s ON s.id = a.session_id"
        " WHERE s.person_id = %s AND s.occurred_at >= %s"
    )
    sql = f"""
        SELECT 'area', {session_month}, a.area, NULL, COUNT(*), (AVG(a.rating) FILTER (WHERE a.rating_view = %s))::float
        FROM {areas} GROUP BY 2, 3
        UNION ALL
        SELECT 'sessions', {session_month}, NULL, NULL, COUNT(*), NULL
        FROM {SupportSession._meta.db_table} s WHERE s.person_id = %s AND s.occurred_at >= %s GROUP BY 2
        UNION ALL
        SELECT 'view', NULL, a.area, a.rating_view, COUNT(*), AVG(a.rating)::float
        FROM {areas} AND a.rating IS NOT NULL GROUP BY 3, 4
        UNION ALL
        SELECT 'group', {month_of(day_of("m.occurred_at"))}, array_to_string(m.areas, ','), NULL, COUNT(*), NULL
        FROM {Attendance._meta.db_table} t
        JOIN LATERAL (SELECT occurred_at, areas FROM {GroupMeeting._meta.db_table} WHERE id = t.meeting_id) m ON TRUE
        WHERE t.person_id = %s AND m.occurred_at >= %s GROUP BY 2, 3
        ORDER BY 1
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [View.OWN, *([person.pk, since] * 4)])
        return cursor.fetchall()


@dataclass(frozen=True)
class PersonMonths:
    """The last twelve months of a person's record as their page shows them: the month table and its charts, and
    their CHIME ratings by whose view they are."""

    areas: AreaMonths
    rating_views: tuple[list[str], list[ViewRatings]]


def person_months(person: Person) -> PersonMonths:
    """Counts of sessions and group meetings touching each area per month for the last twelve months, and the
    ratings by whose view they are (one query: `_person_figures`). Ratings come from one-to-one sessions only."""
    months, since = shown_months()
    cells: dict[tuple[dt.date, str], dict] = {}
    sessions, meetings, meeting_areas, views = Counter(), Counter(), Counter(), {}
    for kind, month, code, whose, n, average in _person_figures(person, since):
        if kind == "area":
            cells[(month, code)] = {"sessions": n, "average_rating": average}
        elif kind == "sessions":
            sessions[month] = n
        elif kind == "view":
            views[(code, whose)] = (average, n)
        else:  # "group": meetings in a month with the same areas
            meetings[month] += n
            for area in filter(None, code.split(",")):
                meeting_areas[(month, area)] += n
    areas = AreaMonths(
        months=months,
        rows=area_rows(months, cells, added=meeting_areas),
        sessions_per_month=[sessions[m] + meetings[m] for m in months],
        group_meetings_per_month=[meetings[m] for m in months],
    )
    return PersonMonths(areas, _by_view(views))


# ---- For a practitioner and for the organisation: the share of sessions touching each area, month by month ----


@dataclass
class ShareCell:
    sessions: int
    share: float | None  # per cent of that month's sessions; None when there were no sessions


@dataclass
class ShareRow:
    area: Area
    cells: list[ShareCell]


@dataclass
class AreaShares:
    months: list[dt.date]
    rows: list[ShareRow]
    sessions_per_month: list[int]
    group_meetings_per_month: list[int] = field(default_factory=list)
    attendances_per_month: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.sessions_per_month)

    @property
    def by_month(self) -> list[MonthRow]:
        return _by_month(
            self.months,
            self.rows,
            self.sessions_per_month,
            self.group_meetings_per_month,
            self.attendances_per_month,
        )

    def shares_by_area(self) -> dict[str, list[float | None]]:
        return {row.area.code: [cell.share for cell in row.cells] for row in self.rows}


def area_shares(practitioner_id: int | None = None) -> AreaShares:
    """For the last twelve months: each month's sessions, and how many (and what share) touched each area.

    Sessions logged by one practitioner, or (with None) by everyone. Two grouped queries.
    """
    months = _month_starts(timezone.localdate(), MONTHS_SHOWN)
    since = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    sessions = SupportSession.objects.filter(occurred_at__gte=since)
    areas = SessionArea.objects.filter(session__occurred_at__gte=since)
    if practitioner_id is not None:
        sessions = sessions.filter(practitioner_id=practitioner_id)
        areas = areas.filter(session__practitioner_id=practitioner_id)
    per_month = sessions.annotate(month=TruncMonth("occurred_at")).values("month").annotate(n=Count("pk"))
    totals = {row["month"].date(): row["n"] for row in per_month}
    grouped = (
        areas.annotate(month=TruncMonth("session__occurred_at"))
        .values("month", "area")
        .annotate(n=Count("session_id"))
    )
    cells = {(row["month"].date(), row["area"]): row["n"] for row in grouped}
    rows = []
    for area in AREAS:
        row_cells = []
        for month in months:
            count, total = cells.get((month, area.code), 0), totals.get(month, 0)
            row_cells.append(
                ShareCell(sessions=count, share=round(100 * count / total, 1) if total else None)
            )
        rows.append(ShareRow(area=area, cells=row_cells))
    meetings, attendances = _group_work_by_month(since, practitioner_id)
    return AreaShares(
        months=months,
        rows=rows,
        sessions_per_month=[totals.get(m, 0) for m in months],
        group_meetings_per_month=[meetings[m] for m in months],
        attendances_per_month=[attendances[m] for m in months],
    )


def _group_work_by_month(since: dt.datetime, practitioner_id: int | None) -> tuple[Counter, Counter]:
    """Group meetings (facilitated by one practitioner, or by anyone) and everyone who came, by month (two
    grouped queries)."""
    meetings = GroupMeeting.objects.filter(occurred_at__gte=since)
    if practitioner_id is not None:
        meetings = meetings.filter(facilitators=practitioner_id)
    by_month = meetings.annotate(month=TruncMonth("occurred_at")).values("month")
    counted, attendances = Counter(), Counter()
    for row in by_month.annotate(n=Count("pk"), unnamed=Sum("anonymous_count")):
        counted[row["month"].date()] += row["n"]
        attendances[row["month"].date()] += row["unnamed"]
    named = Attendance.objects.filter(meeting__in=meetings.values("pk"))
    for row in (
        named.annotate(month=TruncMonth("meeting__occurred_at")).values("month").annotate(n=Count("pk"))
    ):
        attendances[row["month"].date()] += row["n"]
    return counted, attendances


@dataclass
class ViewRatings:
    area: Area
    cells: list[tuple[float | None, int]]  # per view, in View order: (average, how many ratings)


def _by_view(found: dict[tuple[str, str], tuple[float, int]]) -> tuple[list[str], list[ViewRatings]]:
    """The table of ratings by whose view, from `found[(area code, view)] = (average, how many)`."""
    if not found:
        return [], []
    rows = [
        ViewRatings(area, [found.get((area.code, view), (None, 0)) for view in View.values]) for area in AREAS
    ]
    return list(View.labels), rows
