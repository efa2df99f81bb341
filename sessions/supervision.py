"""What a supervisor sees of their team: the dashboard's figures, each one the size of a list they can open.

The figures for the whole team come from a fixed number of queries (aggregates grouped by practitioner), however
many supervisees there are. The definitions live here once, and the lists behind the figures use the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from sessions import hooks
from sessions.models import Attendance, GroupMeeting, Person, SupportSession

if TYPE_CHECKING:
    from chime.models import User

RECENT_DAYS = 30  # "sessions in the last 30 days"
NOT_SEEN_DAYS = 28  # "not seen for 4 weeks or more"
REVIEW_WINDOW_DAYS = 60  # sessions older than this are no longer waiting for review


def recent_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=RECENT_DAYS)


def review_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=REVIEW_WINDOW_DAYS)


def not_seen_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=NOT_SEEN_DAYS)


def not_seen_recently() -> Q:
    """For people annotated by for_caseload(): no session for four weeks, or none at all since joining 4+ weeks ago."""
    cutoff = not_seen_before()
    never_seen = Q(last_session_at__isnull=True, support_started__lte=timezone.localtime(cutoff).date())
    return Q(last_session_at__lt=cutoff) | never_seen


def awaiting_review() -> Q:
    """For sessions: logged in the review window and not reviewed yet."""
    return Q(occurred_at__gte=review_since(), review__isnull=True)


def next_awaiting_review(user: User, session: SupportSession) -> SupportSession | None:
    """The session to review after this one: the same practitioner's next older session awaiting review (the
    review queue's order, newest first), or, past the oldest, the newest one still waiting. One query; it names
    no one (the link shows a date), so it is not audited."""
    older = Q(occurred_at__lt=session.occurred_at) | Q(occurred_at=session.occurred_at, pk__lt=session.pk)
    return (
        SupportSession.objects.visible_to(user)
        .filter(awaiting_review(), practitioner_id=session.practitioner_id)
        .exclude(pk=session.pk)
        .annotate(after_this=Case(When(older, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("after_this", "-occurred_at", "-pk")
        .only("pk", "occurred_at")
        .first()
    )


@dataclass
class SuperviseeFigures:
    practitioner: User
    caseload: int = 0
    recent_sessions: int = 0
    not_seen: int = 0
    overdue_follow_ups: int = 0
    plan_reviews_due: int = 0
    awaiting_review: int = 0
    open_concerns: int = 0
    recent_group_meetings: int = 0
    recent_attendances: int = 0


def team_dashboard(supervisor: User) -> list[SuperviseeFigures]:
    """Each supervisee's figures, in three queries: the team, their caseloads, their recent sessions."""
    from chime.models import User

    team = list(User.objects.supervised_by(supervisor).order_by("first_name", "last_name", "pk"))
    rows = {member.pk: SuperviseeFigures(practitioner=member) for member in team}
    if not rows:
        return []
    people = (
        Person.objects.filter(practitioner__in=rows.keys())
        .for_caseload()
        .order_by()
        .values("practitioner")
        .annotate(
            caseload=Count("pk"),
            not_seen=Count("pk", filter=not_seen_recently()),
            overdue=Count("pk", filter=Q(next_follow_up__lt=timezone.localdate())),
            reviews_due=Count("pk", filter=Q(plan_review_due=True)),
        )
    )
    for row in people:
        figures = rows[row["practitioner"]]
        figures.caseload, figures.not_seen, figures.overdue_follow_ups = (
            row["caseload"],
            row["not_seen"],
            row["overdue"],
        )
        figures.plan_reviews_due = row["reviews_due"]
    sessions = (
        SupportSession.objects.filter(practitioner__in=rows.keys(), occurred_at__gte=review_since())
        .order_by()
        .values("practitioner")
        .annotate(
            recent=Count("pk", filter=Q(occurred_at__gte=recent_since())),
            awaiting=Count("pk", filter=Q(review__isnull=True)),
        )
    )
    for row in sessions:
        rows[row["practitioner"]].recent_sessions = row["recent"]
        rows[row["practitioner"]].awaiting_review = row["awaiting"]
    for practitioner_id, count in hooks.open_concern_counts(rows.keys()).items():
        rows[practitioner_id].open_concerns = count
    _add_group_work(rows)
    return list(rows.values())


def _add_group_work(rows: dict[int, SuperviseeFigures]) -> None:
    """Group meetings each supervisee facilitated in the last 30 days, and everyone who came (two queries)."""
    facilitated = GroupMeeting.facilitators.through.objects.filter(
        user__in=rows.keys(), groupmeeting__occurred_at__gte=recent_since()
    )
    for row in facilitated.values("user").annotate(
        meetings=Count("groupmeeting"), unnamed=Sum("groupmeeting__anonymous_count")
    ):
        rows[row["user"]].recent_group_meetings = row["meetings"]
        rows[row["user"]].recent_attendances += row["unnamed"]
    named = Attendance.objects.filter(
        meeting__facilitators__in=rows.keys(), meeting__occurred_at__gte=recent_since()
    )
    for row in named.values("meeting__facilitators").annotate(n=Count("pk")):
        rows[row["meeting__facilitators"]].recent_attendances += row["n"]
