"""Who may see and change people and their sessions. Views fetch confidential records only through here.

The rules are the models' (`visible_to`) and the write rules below; fetching, refusing and auditing is done once,
by chime.access.fetch_for: a record the user may not see is answered exactly like a record that does not exist
(404), a user who may read a record but not change it gets a 403, and every fetch and refusal is audited.
Lists go through here too, and each one is audited naming every person it shows (chime.access.audit_list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest

from chime import access as core
from chime.models import User
from sessions import hooks
from sessions.filters import CaseloadFilter, SessionQueueFilter, paginate
from sessions.models import GoalStep, Person, RecoveryGoal, SessionReview, SupervisionRecord, SupportSession

if TYPE_CHECKING:
    from django_filters import FilterSet


# ---- Write rules ----------------------------------------------------------------------------------------------------


def supervises(user: User, person: Person) -> bool:
    """Whether `user` supervises the person's practitioner: they read the record, and may move the person."""
    return core.is_supervisor(user) and person.practitioner.supervisor_id == user.pk


def can_write_person(user: User, person: Person) -> bool:
    return core.is_practitioner(user) and person.practitioner_id == user.pk


def can_edit_session(user: User, session: SupportSession) -> bool:
    return can_write_person(user, session.person) and session.practitioner_id == user.pk


def can_review_session(user: User, session: SupportSession) -> bool:
    """Only the supervisor of the practitioner who logged the session reviews it."""
    return core.is_supervisor(user) and session.practitioner.supervisor_id == user.pk


# ---- One record -----------------------------------------------------------------------------------------------------


def get_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    """The person with this id, if `user` may read their record (and, with write=True, add to it)."""
    return core.fetch_for(
        user,
        Person.objects.visible_to(user).select_related("practitioner"),
        pk,
        write=write,
        may_write=can_write_person,
        person="pk",
        not_found="No such person.",
        read_only="Only the person's practitioner can change their record.",
    )


def get_person_to_move(user: User, pk: int) -> Person:
    """The person with this id, if `user` supervises their practitioner: only they move people between caseloads."""
    return core.fetch_for(
        user,
        Person.objects.visible_to(user).select_related("practitioner"),
        pk,
        write=True,
        may_write=supervises,
        person="pk",
        not_found="No such person.",
        read_only="Only the practitioner's supervisor can move people between caseloads.",
    )


def get_session_for(user: User, pk: int, *, write: bool = False) -> SupportSession:
    """The session with this id, if `user` may read it (and, with write=True, edit it)."""
    sessions = SupportSession.objects.visible_to(user).select_related(
        "person", "practitioner", "person__practitioner", "review", "review__reviewer"
    )
    return core.fetch_for(
        user,
        sessions,
        pk,
        write=write,
        may_write=can_edit_session,
        not_found="No such session.",
        read_only="Only the practitioner who logged a session can edit it.",
    )


def get_session_to_review(user: User, pk: int) -> SupportSession:
    """A session this supervisor may review: 404 if they may not see it, 403 if they may see but not review it."""
    return core.fetch_for(
        user,
        SupportSession.objects.visible_to(user).select_related("person", "practitioner"),
        pk,
        write=True,
        may_write=can_review_session,
        not_found="No such session.",
        read_only="Only the practitioner's supervisor can review their sessions.",
    )


def get_goal_for(user: User, pk: int, *, write: bool = False) -> RecoveryGoal:
    """A goal in a recovery plan the user may read (and, with write=True, change: the person's practitioner)."""
    goals = RecoveryGoal.objects.filter(plan__person__in=Person.objects.visible_to(user)).select_related(
        "plan__person__practitioner"
    )
    return core.fetch_for(
        user,
        goals,
        pk,
        write=write,
        may_write=lambda u, goal: can_write_person(u, goal.plan.person),
        person="plan.person_id",
        not_found="No such goal.",
        read_only="Only the person's practitioner can change their plan with them.",
    )


def get_step_for(user: User, pk: int, *, write: bool = False) -> GoalStep:
    """A step towards a goal, on the same terms as its goal."""
    steps = GoalStep.objects.filter(goal__plan__person__in=Person.objects.visible_to(user)).select_related(
        "goal__plan__person__practitioner"
    )
    return core.fetch_for(
        user,
        steps,
        pk,
        write=write,
        may_write=lambda u, step: can_write_person(u, step.goal.plan.person),
        person="goal.plan.person_id",
        not_found="No such step.",
        read_only="Only the person's practitioner can change their plan with them.",
    )


def get_supervision_record_for(user: User, pk: int) -> SupervisionRecord:
    """A supervision record, for the supervisor and the practitioner who met, and nobody else. Audited."""
    return core.fetch_for(
        user,
        SupervisionRecord.objects.visible_to(user).select_related("supervisor", "practitioner"),
        pk,
        person=None,
        not_found="No such supervision record.",
    )


def get_supervisee_for(user: User, pk: int) -> User:
    """A practitioner whose caseload this supervisor may review (read-only)."""
    team = User.objects.supervised_by(user) if core.is_supervisor(user) else User.objects.none()
    return core.fetch_for(user, team, pk, person=None, not_found="No such practitioner.", audit_view=False)


def emergency_grant_for(user: User, person: Person) -> object | None:
    """When `user` sees `person` only through a declared emergency, the grant (for the page's banner)."""
    if person.practitioner_id == user.pk or supervises(user, person):
        return None
    return hooks.emergency_grant(user, person)


# ---- Lists, each audited naming the people it shows ----------------------------------------------------------------


def caseload_page(
    request: HttpRequest, practitioner: User | None = None
) -> tuple[CaseloadFilter, Page | None]:
    """The caseload page's people: the user's own, or (for a supervisor) a supervisee's; filtered, one page.
    No page (None) for a posted form without a name: the view redirects to the list with its other filters."""
    user = request.user
    owner = practitioner or user
    people = Person.objects.visible_to(user).filter(practitioner=owner).for_caseload().with_flags(user)
    found = CaseloadFilter.from_request(request, people)
    if request.method == "POST" and not found.searches_by_name:
        return found, None
    page = core.audit_page("caseload", found.page(request), person="pk", object_id=owner.pk)
    return found, page


def supervisee_sessions_page(request: HttpRequest, practitioner: User) -> tuple[FilterSet, Page]:
    """A supervisee's sessions (the review queue), filtered, one page, audited naming the people on it."""
    sessions = (
        SupportSession.objects.visible_to(request.user).filter(practitioner=practitioner).for_review_queue()
    )
    found = SessionQueueFilter(request.GET, queryset=sessions)
    page = core.audit_page("session list", paginate(request, found.qs), object_id=practitioner.pk)
    return found, page


def feedback_page(request: HttpRequest) -> Page:
    """A practitioner's feedback on their sessions, for people they may still see; one page, audited."""
    core.require(request.user, core.is_practitioner(request.user), page="feedback")
    reviews = SessionReview.objects.for_feedback_page(request.user)
    return core.audit_page("feedback", paginate(request, reviews), person="session.person_id")


def supervision_records_page(request: HttpRequest) -> Page:
    """The supervision records this user was in; one page. The list names staff only (the people discussed are
    named on each record's own page), so it is not audited."""
    return paginate(request, SupervisionRecord.objects.visible_to(request.user).for_list())


def people_discussed(user: User, record: SupervisionRecord) -> list[Person]:
    """The people a supervision record names, audited as shown."""
    people = record.people_discussed.order_by("preferred_name", "pk")
    return core.audit_list("supervision record people", people, person="pk", object_id=record.pk)


def caseload_choices_for(user: User, practitioner: User) -> QuerySet:
    """A supervisee's current caseload, as choices for a supervision record. The names shown are audited."""
    people = (
        Person.objects.visible_to(user)
        .filter(practitioner=practitioner, support_ended__isnull=True)
        .order_by("preferred_name", "pk")
    )
    core.audit_list("supervision caseload", people, person="pk", object_id=practitioner.pk)
    return people
