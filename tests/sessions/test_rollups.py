"""The commissioners' report's roll-ups (monthly and daily counts, and each person's ratings in order): kept equal
to a recount by the database, whatever is saved, and giving exactly the figures a count of the sessions gives, for
any date range."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chime import personal_data
from chime.framework import AREAS
from sessions import demo, rollups
from sessions.models import (
    Attendance,
    DirectoryService,
    GroupMeeting,
    MeasureHistory,
    MeasureResponse,
    PeopleBlock,
    Person,
    RatingHistory,
    SessionArea,
    SessionDay,
    SessionMonth,
    SessionSignpost,
    SupportSession,
    View,
)
from sessions.report_ratings import added, rating_changes
from sessions.rollup_triggers import AREA_CODES, CHUNK_BITS, COUNTS, KIND_COLUMNS, PARTS
from sessions.service_kinds import REPORTED_KINDS, TYPED
from tests.factories import PersonFactory, PractitionerFactory, SupportSessionFactory, qpr15_measure
from tests.groups import group_of

LONDON = ZoneInfo("Europe/London")
CODES = [area.code for area in AREAS]
PROTECTED = "support.SupportSession:sessions_are_never_hard_deleted"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def counted_from_sessions(start: dt.date, end: dt.date, people) -> rollups.SessionFigures:
    """The report's session figures as they were computed before the roll-ups: straight from the sessions."""
    since = dt.datetime.combine(start, dt.time.min, tzinfo=LONDON)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    sessions = SupportSession.objects.filter(occurred_at__gte=since, occurred_at__lt=until, person__in=people)
    signposted = ~Q(signposted_to="") | Exists(SessionSignpost.objects.filter(session=OuterRef("pk")))
    totals = sessions.aggregate(
        sessions=Count("pk"),
        people=Count("person", distinct=True),
        minutes=Sum("duration_minutes", default=0),
        signposted=Count("pk", filter=signposted),
        people_signposted=Count("person", distinct=True, filter=signposted),
    )
    by_area = {
        row["area"]: {"sessions": row["sessions"], "people": row["people"]}
        for row in SessionArea.objects.filter(session__in=sessions)
        .values("area")
        .annotate(sessions=Count("pk"), people=Count("session__person", distinct=True))
    }
    by_kind = {
        row["kind"]: {"sessions": row["sessions"], "people": row["people"]}
        for row in SessionSignpost.objects.filter(session__in=sessions)
        .values(kind=F("service__kind"))
        .annotate(sessions=Count("session", distinct=True), people=Count("session__person", distinct=True))
    }
    typed = sessions.exclude(signposted_to="").aggregate(
        sessions=Count("pk"), people=Count("person", distinct=True)
    )
    if typed["sessions"]:
        by_kind[TYPED] = typed
    entries = Attendance.objects.filter(meeting__occurred_at__gte=since, meeting__occurred_at__lt=until)
    totals["people_on_registers"] = entries.filter(person__in=people).values("person").distinct().count()
    totals["register_entries"] = entries.count()  # everyone's, and those of people erased since
    return rollups.SessionFigures(totals, by_area, by_kind)


def session_figures(start: dt.date, end: dt.date, people) -> rollups.SessionFigures:
    """Everyone's session figures for [start, end]: every part of the people's, added up."""
    by_part = rollups.session_figures_by_part(start, end, people, rollups.ALL_PARTS)
    return rollups.SessionFigures.added(by_part.values())


def rating_changes_from_sessions(start: dt.date, end: dt.date, people) -> dict:
    """CHIME rating change per area as it was computed before the rating histories: a window over the ratings."""
    since = dt.datetime.combine(start, dt.time.min, tzinfo=LONDON)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    ids = list(people.values_list("pk", flat=True)) or [0]
    sql = """
        SELECT view, area, COUNT(*), AVG(last_rating - first_rating),
               COUNT(*) FILTER (WHERE last_rating > first_rating), COUNT(*) FILTER (WHERE last_rating = first_rating),
               COUNT(*) FILTER (WHERE last_rating < first_rating)
        FROM (
            SELECT a.rating_view AS view, a.area,
                   FIRST_VALUE(a.rating) OVER w AS first_rating, LAST_VALUE(a.rating) OVER w AS last_rating,
                   COUNT(*) OVER w AS ratings, ROW_NUMBER() OVER w AS n
            FROM support_sessionarea a JOIN support_supportsession s ON s.id = a.session_id
            WHERE a.rating IS NOT NULL AND s.occurred_at >= %s AND s.occurred_at < %s AND s.person_id = ANY(%s)
            WINDOW w AS (
                PARTITION BY a.rating_view, a.area, s.person_id ORDER BY s.occurred_at, s.id
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
        ) per_person
        WHERE n = 1 AND ratings >= 2
        GROUP BY view, area
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, ids])
        return {
            (view, area): (n, round(avg, 9), up, same, down) for view, area, n, avg, up, same, down in cursor
        }


SESSION_COUNTS = [
    c for c in COUNTS if c not in (*KIND_COLUMNS, "attended")
]  # sessions, minutes, signposted, areas


def stored_rows() -> list[tuple]:
    return sorted(SessionMonth.objects.values_list("person_id", "month", *SESSION_COUNTS))


def stored_days() -> list[tuple]:
    return sorted(SessionDay.objects.values_list("person_id", "day", *SESSION_COUNTS))


def stored_attendance() -> list[tuple]:
    return sorted(SessionMonth.objects.values_list("person_id", "month", "attended"))


def stored_kinds(person: Person) -> dict[str, int]:
    """The person's signposting per kind in their months' roll-ups, leaving out the kinds at 0."""
    totals = SessionMonth.objects.filter(person=person).aggregate(**{c: Sum(c) for c in KIND_COLUMNS})
    return {column.removeprefix("to_"): n for column, n in totals.items() if n}


def stored_history(person: Person) -> dict[tuple[str, str], list[tuple]]:
    return {
        (row.rating_view, row.area): list(zip(row.days, row.ratings, strict=True))
        for row in RatingHistory.objects.filter(person=person)
    }


# ---- Kept current by the database -----------------------------------------------------------------------------


def test_the_rollup_columns_are_the_chime_areas_of_the_framework_and_the_kinds_of_service():
    for model in (SessionMonth, SessionDay):
        assert [f.name for f in model._meta.concrete_fields if f.name in COUNTS] == list(COUNTS)
    assert list(AREA_CODES) == CODES
    assert list(KIND_COLUMNS) == [f"to_{kind}" for kind in DirectoryService.Kind.values] + ["to_typed"]
    assert [kind for kind, _ in REPORTED_KINDS] == [*DirectoryService.Kind.values, TYPED]


def test_a_saved_session_is_counted_in_its_persons_month_in_local_time(db):
    person = PersonFactory()
    # 00:30 on 1 April in London is 23:30 on 31 March in UTC: the session belongs to April.
    SupportSessionFactory(
        person=person, occurred_at=at(2027, 4, 1, 0, 30), areas=["hope", "meaning"], signposted_to="Library"
    )
    SupportSessionFactory(
        person=person, occurred_at=at(2027, 4, 30, 23, 59), areas=["hope"], duration_minutes=30
    )
    assert stored_rows() == [(person.pk, dt.date(2027, 4, 1), 2, 90, 1, 0, 2, 0, 1, 0)]
    assert stored_days() == [
        (person.pk, dt.date(2027, 4, 1), 1, 60, 1, 0, 1, 0, 1, 0),
        (person.pk, dt.date(2027, 4, 30), 1, 30, 0, 0, 1, 0, 0, 0),
    ]


def test_moving_a_session_to_another_month_and_person_moves_its_counts(db):
    first, second = PersonFactory(), PersonFactory()
    session = SupportSessionFactory(person=first, occurred_at=at(2028, 2, 29, 23, 30), areas=["identity"])
    SupportSession.objects.filter(pk=session.pk).update(person=second, occurred_at=at(2028, 3, 1, 0, 0))
    assert stored_rows() == [(second.pk, dt.date(2028, 3, 1), 1, 60, 0, 0, 0, 1, 0, 0)]
    assert stored_days() == [(second.pk, dt.date(2028, 3, 1), 1, 60, 0, 0, 0, 1, 0, 0)]
    assert rollups.differences() == (0, [])


def test_editing_area_notes_and_signposting_changes_only_the_counts_concerned(db):
    session = SupportSessionFactory(occurred_at=at(2027, 6, 10), areas=["hope", "identity"])
    session.areas.filter(area="hope").update(area="empowerment", note="Changed.")
    session.areas.filter(area="identity").delete()
    SupportSession.objects.filter(pk=session.pk).update(
        signposted_to="Citizens Advice", next_steps="Call them."
    )
    assert stored_rows() == [(session.person_id, dt.date(2027, 6, 1), 1, 60, 1, 0, 0, 0, 0, 1)]


def test_a_session_signposted_only_to_the_directory_counts_as_signposted_until_its_last_service_goes(db):
    session = SupportSessionFactory(occurred_at=at(2027, 6, 10), signposted_to="")
    month = SessionMonth.objects.get(person=session.person)
    assert month.signposted == 0
    session.signposted_services.set([_service(1), _service(2)])
    month.refresh_from_db()
    assert month.signposted == 1
    session.signposted_services.remove(_service(1))
    month.refresh_from_db()
    assert month.signposted == 1
    session.signposted_to = "A food bank"
    session.save()
    session.signposted_services.clear()
    month.refresh_from_db()
    assert month.signposted == 1  # still signposted: somewhere typed in
    session.signposted_to = ""
    session.save()
    month.refresh_from_db()
    assert month.signposted == 0
    assert rollups.differences() == (0, [])


def test_signposting_is_counted_once_per_kind_of_service_and_follows_a_service_moved_to_another_kind(db):
    session = SupportSessionFactory(occurred_at=at(2027, 6, 10), signposted_to="")
    shelter, council = _service(1, "housing"), _service(2, "housing")
    advice = _service(3, "money")
    session.signposted_services.set([shelter, council, advice])
    assert stored_kinds(session.person) == {"housing": 1, "money": 1}
    session.signposted_services.remove(shelter)
    assert stored_kinds(session.person) == {
        "housing": 1,
        "money": 1,
    }  # still signposted to housing: the council
    advice.kind = "legal"
    advice.save()
    assert stored_kinds(session.person) == {"housing": 1, "legal": 1}
    DirectoryService.objects.filter(pk=council.pk).update(kind="money")
    assert stored_kinds(session.person) == {"money": 1, "legal": 1}
    session.signposted_to = "A food bank"
    session.save()
    session.signposted_services.clear()
    assert stored_kinds(session.person) == {"typed": 1}
    assert SessionMonth.objects.get(person=session.person).signposted == 1
    assert rollups.differences() == (0, [])


def test_each_persons_ratings_are_kept_in_the_order_the_sessions_happened_by_area_and_view(db):
    person = PersonFactory()
    later = SupportSessionFactory(person=person, occurred_at=at(2028, 3, 1, 0, 30), areas=["hope"])
    earlier = SupportSessionFactory(
        person=person, occurred_at=at(2028, 2, 29, 23, 30), areas=["hope", "meaning"]
    )
    SessionArea.objects.filter(session=later).update(rating=4)
    SessionArea.objects.filter(session=earlier, area="hope").update(rating=2)
    SessionArea.objects.filter(session=earlier, area="meaning").update(rating=3, rating_view=View.AGREED)
    assert stored_history(person) == {
        ("own", "hope"): [(dt.date(2028, 2, 29), 2), (dt.date(2028, 3, 1), 4)],
        ("agreed", "meaning"): [(dt.date(2028, 2, 29), 3)],
    }
    SupportSession.objects.filter(pk=earlier.pk).update(occurred_at=at(2028, 3, 2))
    assert stored_history(person)[("own", "hope")] == [(dt.date(2028, 3, 1), 4), (dt.date(2028, 3, 2), 2)]
    SessionArea.objects.filter(session=later).update(rating=None)
    later.areas.create(area="identity", note="A note.", rating=5)
    earlier.areas.filter(area="meaning").delete()
    assert stored_history(person) == {
        ("own", "hope"): [(dt.date(2028, 3, 2), 2)],
        ("own", "identity"): [(dt.date(2028, 3, 1), 5)],
    }
    other = PersonFactory()
    SupportSession.objects.filter(pk=later.pk).update(person=other)
    assert set(stored_history(other)) == {("own", "identity")}
    assert rollups.differences() == (0, [])


def _result(person: Person, day: dt.date, total: int | None) -> MeasureResponse:
    """A QPR-15 result (None: they chose not to do it), as stored; the form's scoring is tested elsewhere."""
    return MeasureResponse.objects.create(
        person=person,
        measure=qpr15_measure(),
        occasion="review",
        taken_on=day,
        declined=total is None,
        total=total,
        recorded_by=PractitionerFactory(),
    )


def test_each_persons_completed_measure_results_are_kept_in_the_order_taken(db):
    person = PersonFactory()
    later = _result(person, dt.date(2028, 3, 1), 40)
    _result(person, dt.date(2028, 2, 29), 31)
    _result(person, dt.date(2028, 2, 1), None)  # declined: not a result
    history = MeasureHistory.objects.get(person=person)
    assert (history.days, history.totals) == ([dt.date(2028, 2, 29), dt.date(2028, 3, 1)], [31, 40])
    MeasureResponse.objects.filter(pk=later.pk).update(taken_on=dt.date(2028, 2, 28), total=29)
    history = MeasureHistory.objects.get(person=person)  # rewritten: a new row
    assert (history.days, history.totals) == ([dt.date(2028, 2, 28), dt.date(2028, 2, 29)], [29, 31])
    MeasureResponse.objects.filter(person=person, declined=False).delete()
    assert not MeasureHistory.objects.filter(person=person).exists()
    assert rollups.differences() == (0, [])


def test_a_month_left_with_no_sessions_leaves_no_row(db):
    session = SupportSessionFactory(occurred_at=at(2027, 6, 10), areas=["hope"])
    with pgtrigger.ignore(PROTECTED):
        session.delete()
    assert stored_rows() == stored_days() == []


def test_erasure_keeps_the_rollups_equal_to_a_recount(db):
    session = SupportSessionFactory(occurred_at=at(2027, 6, 10), areas=["hope"], signposted_to="A food bank")
    personal_data.erase(session.person_id)
    assert SupportSession.objects.get().signposted_to == ""
    assert stored_rows() == [(session.person_id, dt.date(2027, 6, 1), 1, 60, 0, 0, 1, 0, 0, 0)]
    assert rollups.differences() == (0, [])


def _register_entries(start: dt.date, end: dt.date) -> int:
    return session_figures(start, end, Person.objects.all()).totals["register_entries"]


def test_group_meetings_are_counted_in_the_month_of_each_person_on_the_register_and_move_with_the_meeting(db):
    people = [PersonFactory() for _ in range(2)]
    _apply_to_registers("meet", [at(2028, 1, 31, 23, 30), {0, 1}], people)
    assert stored_attendance() == [(p.pk, dt.date(2028, 1, 1), 1) for p in people]
    _apply_to_registers("move_meeting", [0, at(2028, 2, 1, 0, 30)], people)
    assert stored_attendance() == [(p.pk, dt.date(2028, 2, 1), 1) for p in people]
    assert _register_entries(dt.date(2028, 2, 1), dt.date(2028, 2, 1)) == 2
    _apply_to_registers("unname", [0], people)  # as erasure does: the entry stays, for nobody
    assert stored_attendance() == [(people[1].pk, dt.date(2028, 2, 1), 1)]
    assert _register_entries(dt.date(2028, 2, 1), dt.date(2028, 2, 1)) == 2
    assert _register_entries(dt.date(2028, 1, 1), dt.date(2028, 1, 31)) == 0
    assert rollups.differences() == (0, [])


def test_bulk_data_copied_in_by_seed_scale_is_rolled_up(db):
    demo.seed_scale(2, people_per_practitioner=3, sessions_per_person=4, log=lambda *_: None)
    assert SessionMonth.objects.aggregate(n=Sum("sessions"))["n"] == 24
    assert rollups.differences() == (0, [])


MOMENTS = st.builds(
    at,
    st.just(2028),
    st.integers(1, 3),
    st.sampled_from([1, 2, 28, 29]),
    st.sampled_from([0, 12, 23]),
    st.sampled_from([0, 59]),
)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.integers(0, 2),
            MOMENTS,
            st.integers(1, 120),
            st.booleans(),
            st.sets(st.sampled_from(CODES)),
        ),
        st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 2), MOMENTS),
        st.tuples(st.just("edit"), st.integers(0, 20), st.integers(1, 120), st.booleans()),
        st.tuples(st.just("areas"), st.integers(0, 20), st.sets(st.sampled_from(CODES))),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("signposts"), st.integers(0, 20), st.sets(st.integers(0, 2))),
        st.tuples(st.just("bulk_move"), MOMENTS),
        st.tuples(
            st.just("rate"),
            st.integers(0, 20),
            st.one_of(st.none(), st.integers(1, 5)),
            st.sampled_from(View.values),
        ),
        st.tuples(st.just("rekind"), st.integers(0, 2), st.sampled_from(["housing", "money", "legal"])),
        st.tuples(st.just("measure"), st.integers(0, 2), MOMENTS, st.one_of(st.none(), st.integers(0, 60))),
        st.tuples(st.just("unmeasure"), st.integers(0, 20)),
        st.tuples(st.just("meet"), MOMENTS, st.sets(st.integers(0, 2))),
        st.tuples(st.just("move_meeting"), st.integers(0, 20), MOMENTS),
        st.tuples(st.just("unname"), st.integers(0, 20)),
    ),
    max_size=12,
)


def _apply(operation: tuple, people: list[Person]) -> None:
    kind, *args = operation
    sessions = list(SupportSession.objects.order_by("pk"))
    if kind == "add":
        who, when, minutes, signposted, areas = args
        SupportSessionFactory(
            person=people[who],
            occurred_at=when,
            duration_minutes=minutes,
            signposted_to="Library" if signposted else "",
            areas=sorted(areas),
        )
        return
    if kind == "bulk_move":
        SupportSession.objects.all().update(occurred_at=args[0])
        return
    if kind == "rekind":  # an admin moves a service to another kind
        DirectoryService.objects.filter(pk=_service(args[0]).pk).update(kind=args[1])
        return
    if kind == "measure":
        _result(people[args[0]], args[1].date(), args[2])
        return
    if kind == "unmeasure":
        results = list(MeasureResponse.objects.order_by("pk"))
        if results:
            results[args[0] % len(results)].delete()
        return
    if kind in ("meet", "move_meeting", "unname"):
        _apply_to_registers(kind, args, people)
        return
    if not sessions:
        return
    session = sessions[args[0] % len(sessions)]
    if kind == "move":
        session.person, session.occurred_at = people[args[1]], args[2]
        session.save()
    elif kind == "edit":
        session.duration_minutes, session.signposted_to = args[1], "Library" if args[2] else ""
        session.save()
    elif kind == "areas":
        session.areas.exclude(area__in=args[1]).delete()
        for code in sorted(args[1] - set(session.areas.values_list("area", flat=True))):
            SessionArea.objects.create(session=session, area=code, note="A note.")
    elif kind == "delete":
        with pgtrigger.ignore(PROTECTED):
            session.delete()
    elif kind == "signposts":  # the services from the directory it names, as the form sets them
        session.signposted_services.set([_service(n) for n in sorted(args[1])])
    elif kind == "rate":  # every area note of the session gets the rating (or loses it), in one view
        session.areas.update(rating=args[1], rating_view=args[2])


def _apply_to_registers(kind: str, args: list, people: list[Person]) -> None:
    """A group meeting with its register, a meeting moved to another day, or a name taken off a register as
    erasure takes it (the entry stays, for nobody)."""
    if kind == "meet":
        when, who = args
        facilitator = PractitionerFactory()
        meeting = GroupMeeting.objects.create(
            group=group_of(facilitator),
            recorded_by=facilitator,
            occurred_at=when,
            duration_minutes=90,
            areas=["hope"],
            submission_key=uuid.uuid4(),
        )
        Attendance.objects.bulk_create(Attendance(meeting=meeting, person=people[n]) for n in sorted(who))
        return
    if kind == "move_meeting":
        meetings = list(GroupMeeting.objects.order_by("pk"))
        if meetings:
            GroupMeeting.objects.filter(pk=meetings[args[0] % len(meetings)].pk).update(occurred_at=args[1])
        return
    entries = list(Attendance.objects.order_by("pk"))
    if entries:
        Attendance.objects.filter(pk=entries[args[0] % len(entries)].pk).update(person=None, addendum="")


def _service(n: int, kind: str = "housing") -> DirectoryService:
    return DirectoryService.objects.get_or_create(name=f"Service {n}", defaults={"kind": kind})[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_whatever_is_saved_edited_moved_or_deleted_the_rollups_equal_a_recount(db, operations):
    with transaction.atomic():
        people = [PersonFactory() for _ in range(3)]
        for operation in operations:
            _apply(operation, people)
        assert rollups.differences() == (0, [])
        transaction.set_rollback(True)


# ---- The report's figures ------------------------------------------------------------------------------------


def test_a_range_is_read_from_whole_years_quarters_and_months_and_at_most_half_a_month_of_days_at_each_edge():
    d, Piece = dt.date, rollups.Piece
    assert rollups.plan(d(2028, 1, 1), d(2028, 3, 31)) == (Piece("quarter", d(2028, 1, 1), d(2028, 4, 1)),)
    # 20 January to 31 March: the quarter, less January, and January's last 12 days.
    assert rollups.plan(d(2028, 1, 20), d(2028, 3, 31)) == (
        Piece("quarter", d(2028, 1, 1), d(2028, 4, 1)),
        Piece("month", d(2028, 1, 1), d(2028, 2, 1), -1),
        Piece("day", d(2028, 1, 20), d(2028, 2, 1)),
    )
    # 2 to 28 February 2028: the whole (29-day) month less its first and last days.
    assert rollups.plan(d(2028, 2, 2), d(2028, 2, 28)) == (
        Piece("month", d(2028, 2, 1), d(2028, 3, 1)),
        Piece("day", d(2028, 2, 1), d(2028, 2, 2), -1),
        Piece("day", d(2028, 2, 29), d(2028, 3, 1), -1),
    )
    assert rollups.plan(d(2027, 12, 30), d(2028, 1, 2)) == (Piece("day", d(2027, 12, 30), d(2028, 1, 3)),)
    # A year from 1 December to 1 December: the whole of 2028 less its December, the December before, and a day.
    assert rollups.plan(d(2027, 12, 1), d(2028, 12, 1)) == (
        Piece("year", d(2028, 1, 1), d(2029, 1, 1)),
        Piece("month", d(2027, 12, 1), d(2028, 1, 1)),
        Piece("month", d(2028, 12, 1), d(2029, 1, 1), -1),
        Piece("day", d(2028, 12, 1), d(2028, 12, 2)),
    )
    # 15 November 2027 to 14 May 2028: two whole quarters less October and 1 to 14 November, April, and days.
    assert rollups.plan(d(2027, 11, 15), d(2028, 5, 14)) == (
        Piece("quarter", d(2027, 10, 1), d(2028, 4, 1)),
        Piece("month", d(2028, 4, 1), d(2028, 5, 1)),
        Piece("month", d(2027, 10, 1), d(2027, 11, 1), -1),
        Piece("day", d(2028, 5, 1), d(2028, 5, 15)),
        Piece("day", d(2027, 11, 1), d(2027, 11, 15), -1),
    )


def test_a_range_is_read_from_the_period_blocks_it_holds_whole_with_nothing_taken_away():
    d, Piece = dt.date, rollups.Piece
    assert rollups.blocks(d(2028, 1, 1), d(2028, 12, 31)) == (Piece("year", d(2028, 1, 1), d(2029, 1, 1)),)
    # A year to 2 December: three whole quarters, October and November, and the days at either edge.
    assert rollups.blocks(d(2027, 12, 3), d(2028, 12, 2)) == (
        Piece("quarter", d(2028, 1, 1), d(2028, 10, 1)),
        Piece("month", d(2028, 10, 1), d(2028, 12, 1)),
        Piece("day", d(2027, 12, 3), d(2028, 1, 1)),
        Piece("day", d(2028, 12, 1), d(2028, 12, 3)),
    )
    # 2 to 28 February 2028: days only, nothing taken away from the (29-day) month.
    assert rollups.blocks(d(2028, 2, 2), d(2028, 2, 28)) == (Piece("day", d(2028, 2, 2), d(2028, 2, 29)),)
    # 15 November 2027 to 14 May 2028: the first quarter, December and April, and days.
    assert rollups.blocks(d(2027, 11, 15), d(2028, 5, 14)) == (
        Piece("quarter", d(2028, 1, 1), d(2028, 4, 1)),
        Piece("month", d(2027, 12, 1), d(2028, 1, 1)),
        Piece("month", d(2028, 4, 1), d(2028, 5, 1)),
        Piece("day", d(2027, 11, 15), d(2027, 12, 1)),
        Piece("day", d(2028, 5, 1), d(2028, 5, 15)),
    )


STARTS_OF = {"year": (1,), "quarter": (1, 4, 7, 10), "month": tuple(range(1, 13))}


@given(start=st.dates(dt.date(2023, 1, 1), dt.date(2032, 12, 31)), days=st.integers(0, 1500))
def test_every_day_of_any_range_is_in_exactly_one_whole_block(start, days):
    end = start + dt.timedelta(days=days)
    pieces = sorted(rollups.blocks(start, end), key=lambda piece: piece.first)
    assert pieces[0].first == start
    assert pieces[-1].after == end + dt.timedelta(days=1)
    for piece, following in zip(pieces, pieces[1:], strict=False):
        assert piece.after == following.first  # no day twice, none left out
    for piece in pieces:
        assert piece.sign == 1
        assert piece.first < piece.after
        if piece.level != "day":  # whole years, quarters and months only
            for edge in (piece.first, piece.after):
                assert (edge.day, edge.month in STARTS_OF[piece.level]) == (1, True)


@pytest.mark.dates
@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2027, 6, 1), dt.date(2028, 12, 31)), (dt.date(2027, 4, 2), dt.date(2028, 4, 1))],
)
def test_ranges_over_years_equal_a_count_of_the_sessions(history, start, end):
    assert {piece.level for piece in rollups.plan(start, end)} >= {"year", "quarter"}
    people = Person.objects.all()
    with time_machine.travel(at(2028, 4, 20), tick=False):
        assert session_figures(start, end, people) == counted_from_sessions(start, end, people)


@pytest.fixture
def history(db):
    """Sessions for four people over the turn of 2027-28 and February 2028's 29th, at the edges of months."""
    people = [PersonFactory() for _ in range(4)]
    moments = [
        at(2027, 12, 31, 23, 59),
        at(2028, 1, 1, 0, 0),
        at(2028, 1, 15),
        at(2028, 1, 31, 23, 30),
        at(2028, 2, 1, 0, 30),
        at(2028, 2, 28, 23, 0),
        at(2028, 2, 29, 0, 0),
        at(2028, 2, 29, 23, 59),
        at(2028, 3, 1, 0, 0),
        at(2028, 3, 26, 0, 30),  # the night the clocks go forward
        at(2028, 3, 31, 23, 30),
        at(2028, 4, 1, 0, 30),
    ]
    for i, moment in enumerate(moments):
        for j, person in enumerate(people):
            if (i + j) % 3:
                session = SupportSessionFactory(
                    person=person,
                    occurred_at=moment,
                    duration_minutes=15 * (j + 1),
                    signposted_to="Library" if (i * j) % 4 == 1 else "",
                    areas=CODES[(i + j) % 5 : (i + j) % 5 + 1 + j % 3],
                )
                if i % 4:  # most sessions rated, in one of the three views
                    session.areas.update(
                        rating=1 + (i * (j + 1)) % 5, rating_view=View.values[(i + j) % 3 // 2]
                    )
                if i % 5 == 2:
                    session.signposted_services.set([_service(j % 3, ["housing", "money", "legal"][j % 3])])
    return people


DATES = st.dates(min_value=dt.date(2027, 12, 25), max_value=dt.date(2028, 4, 5))


@pytest.mark.dates
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=DATES, end=DATES, counted=st.none() | st.sets(st.integers(0, 3)))
def test_the_report_figures_equal_a_count_of_the_sessions_for_any_range(history, start, end, counted):
    """With no consent filter (None: everyone, the blocks' counts) and with one (the blocks' people ANDed with those
    it keeps, and their roll-ups summed)."""
    start, end = min(start, end), max(start, end)
    people = (
        Person.objects.all()
        if counted is None
        else Person.objects.filter(
            pk__in=[history[i].pk for i in counted]
        )  # as the consent filter narrows it
    )
    with time_machine.travel(at(2028, 4, 20), tick=False):
        assert session_figures(start, end, people) == counted_from_sessions(start, end, people)


@pytest.mark.dates
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ranges=st.lists(st.tuples(DATES, DATES), min_size=1, max_size=3), counted=st.sets(st.integers(0, 3)))
def test_the_rating_change_per_area_equals_a_window_over_the_ratings_for_any_ranges_reckoned_together(
    history, ranges, counted
):
    periods = [(min(a, b), max(a, b)) for a, b in ranges]  # apart, touching, overlapping or the same
    people = Person.objects.filter(pk__in=[history[i].pk for i in counted])
    with time_machine.travel(at(2028, 4, 20), tick=False):
        together = [added(by_part.values()) for by_part in rating_changes(periods, people)]
    assert [
        {key: (n, round(total / n, 9), *rest) for key, (n, total, *rest) in changes.items()}
        for changes in together
    ] == [rating_changes_from_sessions(start, end, people) for start, end in periods]


def test_the_history_fixture_has_ratings_changing_in_more_than_one_view(history):
    [by_part] = rating_changes([(dt.date(2027, 12, 1), dt.date(2028, 4, 30))], Person.objects.all())
    changes = added(by_part.values())
    assert {view for view, _ in changes} == {"own", "agreed"}
    assert sum(n for n, *_ in changes.values()) == 7


@pytest.mark.dates
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2028, 1, 31), dt.date(2028, 3, 1)),
        (dt.date(2027, 12, 31), dt.date(2028, 3, 31)),
        (dt.date(2028, 1, 1), dt.date(2028, 4, 1)),
        (dt.date(2028, 3, 26), dt.date(2028, 3, 26)),
    ],
)
def test_the_report_figures_at_month_edges_and_29_february_equal_a_count_of_the_sessions(history, start, end):
    people = Person.objects.all()
    with time_machine.travel(at(2028, 4, 20), tick=False):
        figures = session_figures(start, end, people)
    assert figures == counted_from_sessions(start, end, people)
    assert figures.totals["sessions"] > 0


def test_people_far_apart_in_every_part_and_chunk_are_each_counted_once(db):
    """A person's bit is (id / PARTS) % CHUNK_BITS of chunk (id / PARTS) / CHUNK_BITS: people at the first and last
    bit of a chunk, in other chunks and parts, with sessions in several blocks of the range."""
    ids = [
        PARTS * CHUNK_BITS - 1,
        PARTS * CHUNK_BITS,
        3 * PARTS * CHUNK_BITS + 5,
        7 * PARTS * CHUNK_BITS + 12,
    ]
    people = [PersonFactory(pk=pk) for pk in ids]
    for i, person in enumerate(people):
        for moment in (at(2027, 11, 20), at(2028, 2, 10), at(2028, 5, 3 + i)):
            SupportSessionFactory(person=person, occurred_at=moment, areas=CODES[i : i + 2])
    in_2028 = PeopleBlock.objects.filter(level="year", block=dt.date(2028, 1, 1))
    assert sorted(in_2028.values_list("part", "chunk")) == [
        (0, 1),
        (5, 3),
        (12, 7),
        (15, 0),
    ]
    start, end = dt.date(2027, 11, 15), dt.date(2028, 5, 14)
    with time_machine.travel(at(2028, 6, 1), tick=False):
        figures = session_figures(start, end, Person.objects.all())
    assert figures == counted_from_sessions(start, end, Person.objects.all())
    assert (figures.totals["people"], figures.totals["sessions"]) == (4, 12)
    consented = Person.objects.filter(pk__in=ids[1:3])  # as the consent filter narrows it: chunks 1 and 3
    with time_machine.travel(at(2028, 6, 1), tick=False):
        figures = session_figures(start, end, consented)
    assert figures == counted_from_sessions(start, end, consented)
    assert (figures.totals["people"], figures.totals["sessions"]) == (2, 6)
    assert rollups.differences() == (0, [])


def test_the_report_reads_its_session_figures_in_one_query(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        session_figures(dt.date(2028, 1, 10), dt.date(2028, 3, 20), Person.objects.all())


# ---- Rebuilding --------------------------------------------------------------------------------------------


def test_the_rebuild_command_says_the_rollups_equal_a_recount(history, capsys):
    call_command("rebuild_report_rollups", "--check")
    call_command("rebuild_report_rollups")
    assert "The roll-ups equal a full recount" in capsys.readouterr().out


def test_the_rebuild_command_finds_shows_and_mends_rollups_that_differ(history, capsys):
    expected = stored_rows()
    with pgtrigger.ignore(*(f"support.SupportSession:{t}" for t in ("rollup_sessions_added",))):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        SupportSessionFactory.create(person=history[0], occurred_at=at(2027, 5, 5), areas=[])
    SessionMonth.objects.filter(month=dt.date(2028, 2, 1), person=history[1]).update(minutes=1)
    with pytest.raises(CommandError) as checked:
        call_command("rebuild_report_rollups", "--check")
    assert str(checked.value).startswith("5 roll-up rows differ from a full recount (")
    output = capsys.readouterr().out
    assert f"person {history[0].pk}, 2027: stored no row; recount sessions 1, minutes 60" in output
    assert f"person {history[0].pk}, 2027 Q2: stored no row; recount sessions 1, minutes 60" in output
    assert f"person {history[0].pk}, 2027-05: stored no row; recount sessions 1, minutes 60" in output
    assert f"person {history[0].pk}, 2027-05-05: stored no row; recount sessions 1, minutes 60" in output
    assert f"person {history[1].pk}, 2028-02: stored sessions" in output
    with pytest.raises(CommandError) as rebuilt:
        call_command("rebuild_report_rollups")
    assert str(rebuilt.value).startswith(
        "5 roll-up rows differed from a full recount; rebuilt, and now equal to it"
    )
    assert rollups.differences() == (0, [])
    assert len(stored_rows()) == len(expected) + 1
    call_command("rebuild_report_rollups", "--check")


def test_the_rebuild_command_finds_shows_and_mends_period_blocks_that_differ_from_the_rollups(
    history, capsys
):
    year = PeopleBlock.objects.filter(level="year", block=dt.date(2028, 1, 1))
    first, second = year.order_by("part", "chunk")[:2]
    year.filter(pk=first.pk).update(sessions=F("sessions") + 2)
    # Someone with no sessions, in the bitmap: the same counts, one more person.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE support_peopleblock SET had_sessions = had_sessions | (B'1'::bit(512) >> 500) WHERE id = %s",
            [second.pk],
        )
    whole_year = (dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    with time_machine.travel(at(2028, 4, 20), tick=False):  # the report reads the blocks
        assert session_figures(*whole_year, Person.objects.all()).totals["people"] == 5
    with pytest.raises(CommandError) as checked:
        call_command("rebuild_report_rollups", "--check")
    assert str(checked.value).startswith("2 roll-up rows differ from a full recount (")
    output = capsys.readouterr().out
    assert (
        f"people block of the year from 2028-01-01, part {first.part}, chunk 0: stored sessions {first.sessions + 2},"
        in output
    )
    assert f"from the roll-ups sessions {first.sessions}," in output
    assert f"people block of the year from 2028-01-01, part {second.part}, chunk 0:" in output
    assert "people with sessions 2" in output  # stored: the one person and the one who is not there
    with pytest.raises(CommandError):
        call_command("rebuild_report_rollups")
    assert rollups.differences() == (0, [])
    with time_machine.travel(at(2028, 4, 20), tick=False):
        assert session_figures(*whole_year, Person.objects.all()) == counted_from_sessions(
            *whole_year, Person.objects.all()
        )


def test_the_rebuild_command_can_rewrite_the_rollups_in_period_order_after_a_bulk_load(as_owner, capsys):
    """A bulk load writes each person's months one after another; `--cluster` puts each month's rows together on
    disk (what a report reads), and the counts stay equal to a recount."""
    people = [PersonFactory() for _ in range(3)]
    for person in people:  # person by person, as seed_demo --scale and an import write them
        for month in (1, 2, 3):
            SupportSessionFactory(person=person, occurred_at=at(2028, month, 10), areas=["hope"])

    def months_on_disk() -> list[dt.date]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT month FROM support_sessionmonth ORDER BY ctid")
            return [month for (month,) in cursor.fetchall()]

    assert months_on_disk() != sorted(months_on_disk())
    call_command("rebuild_report_rollups", "--cluster")
    assert months_on_disk() == [dt.date(2028, month, 1) for month in (1, 2, 3) for _ in people]
    output = capsys.readouterr().out
    assert "The roll-up tables are rewritten in period order." in output
    assert "The roll-ups equal a full recount" in output
