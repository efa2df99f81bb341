"""Who may see and change people and their sessions. Views fetch confidential records only through here.

The rules are the models' (`visible_to`) and the write rules below; fetching, refusing and auditing is done once,
by chime.access.fetch_for: a record the user may not see is answered exactly like a record that does not exist
(404), a user who may read a record but not change it gets a 403, and every fetch and refusal is audited.
Lists go through here too, and each one is audited naming every person it shows (chime.access.audit_list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet, Subquery
from django.http import HttpRequest

from chime import access as core
from chime.models import User
from sessions import hooks
from sessions.filters import CaseloadFilter, SessionQueueFilter, paginate
from sessions.models import (
    Attendance,
    BriefContact,
    GoalStep,
    Group,
    GroupMeeting,
    NoteFlag,
    Person,
    RecoveryGoal,
    SessionReview,
    SupervisionRecord,
    SupportSession,
)

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


# ---- Groups: a register is seen by the group's facilitators, their supervisors and the admins who manage groups ----

NAME_SEARCH_LIMIT = 20


def facilitates(user: User, group: Group) -> bool:
    """Whether `user` is one of the group's facilitators: only they record its meetings."""
    return core.is_practitioner(user) and group.facilitators.filter(pk=user.pk).exists()


def may_manage_group(user: User, group: Group) -> bool:
    return core.is_admin(user) or facilitates(user, group)


def get_group_for(user: User, pk: int) -> Group:
    """A group this user may see (its page lists meetings with counts, never names). Audited."""
    return core.fetch_for(user, Group.objects.visible_to(user), pk, person=None, not_found="No such group.")


def get_group_to_change(user: User, pk: int) -> Group:
    """A group this user manages: admins and its facilitators; its facilitators' supervisors read but get 403."""
    return core.fetch_for(
        user,
        Group.objects.visible_to(user),
        pk,
        write=True,
        may_write=may_manage_group,
        person=None,
        not_found="No such group.",
        read_only="Only admins and the group's facilitators change a group.",
    )


def get_group_to_record(user: User, pk: int) -> Group:
    """A group whose meetings this user records: 404 if they may not see it, 403 if they see but do not facilitate."""
    return core.fetch_for(
        user,
        Group.objects.visible_to(user),
        pk,
        write=True,
        may_write=facilitates,
        person=None,
        not_found="No such group.",
        read_only="Only the group's facilitators record its meetings.",
    )


def get_meeting_for(user: User, pk: int) -> GroupMeeting:
    """A meeting of a group this user may see. The register on its page is audited by `register_for`."""
    meetings = GroupMeeting.objects.visible_to(user).with_counts().select_related("group", "recorded_by")
    return core.fetch_for(user, meetings, pk, person=None, not_found="No such meeting.")


def register_for(meeting: GroupMeeting) -> list[Attendance]:
    """The named attendees of a meeting, audited as one view naming each of them. Addenda are not shown here:
    each belongs to its person's record only."""
    attendances = Attendance.objects.filter(meeting=meeting).for_register()
    return core.audit_list("group register", attendances, person="person_id", object_id=meeting.pk)


def regulars_of(group: Group) -> QuerySet:
    """The people named at the group's latest meeting (who may not be on this user's caseload: the register
    is theirs to see as a facilitator)."""
    latest = GroupMeeting.objects.filter(group=group).order_by("-occurred_at", "-pk").values("pk")[:1]
    return Person.objects.filter(attendances__meeting__in=latest, erased_at__isnull=True)


def nameable_people(user: User, group: Group) -> QuerySet:
    """Everyone `user` may name on this group's register: people whose records they may read, and people already
    on the group's registers. Erased people are never named again."""
    on_registers = Attendance.objects.filter(meeting__group=group, person__isnull=False).values("person_id")
    visible = Person.objects.visible_to(user).values("pk")
    return Person.objects.filter(erased_at__isnull=True).filter(Q(pk__in=visible) | Q(pk__in=on_registers))


def _listed(user: User, group: Group, ticked: list[int]) -> QuerySet:
    """Who the meeting form lists (`register_candidates`), before any search by name."""
    wanted = Q(pk__in=regulars_of(group).values("pk")) | Q(practitioner=user, support_ended__isnull=True)
    wanted |= Q(pk__in=[pk for pk in ticked if isinstance(pk, int)])
    return nameable_people(user, group).filter(wanted).order_by("preferred_name", "pk")


def register_candidates(user: User, group: Group, *, ticked: list[int] = (), name: str = "") -> list[Person]:
    """Who the meeting form lists, to tick: last meeting's regulars, the user's own caseload, anyone already ticked,
    and (when a name was searched for) the people they may see whose name matches. One audit row names them all."""
    listed = list(_listed(user, group, ticked))
    if name:
        found = Person.objects.visible_to(user).filter(erased_at__isnull=True, preferred_name__icontains=name)
        seen = {p.pk for p in listed}
        listed += [p for p in found.order_by("preferred_name", "pk")[:NAME_SEARCH_LIMIT] if p.pk not in seen]
    return core.audit_list("group register choices", listed, person="pk", object_id=group.pk)


def register_posted(user: User, group: Group, *, ticked: list[int], addenda: list[int]) -> list[Person]:
    """Of the people a posted meeting form would list (`register_candidates`), those it ticks or gives an addendum:
    all that checking and saving the register reads, so a register saved at once lists no one else. Nothing is shown
    here, so nothing is audited; a form sent back with errors lists everyone again (`register_candidates`, audited),
    and the saved meeting's register is audited when it is shown (`register_for`)."""
    posted = [pk for pk in [*ticked, *addenda] if isinstance(pk, int)]
    return list(_listed(user, group, ticked).filter(pk__in=posted))


def groups_page(request: HttpRequest) -> list[Group]:
    """The groups this user may see (names only of staff, no one supported), newest-met first."""
    core.require(request.user, core.may_see_groups(request.user), page="groups")
    return list(Group.objects.visible_to(request.user).for_list())


def dashboard_note_flags(user: User) -> list[NoteFlag]:
    """The open flags people have put on notes, for a supervisor's dashboard: their supervisees' people only, oldest
    first. Audited as the dashboard's one view, naming each person shown (its figures name no one)."""
    flags = NoteFlag.objects.for_supervisor(user)
    return core.audit_list("team dashboard", flags, person="session.person_id", object_id=user.pk)


def attendances_on_record(person: Person) -> list[Attendance]:
    """The meetings a person came to, with their addenda, for their own view of their record (already audited as a
    view of the person)."""
    return list(Attendance.objects.filter(person=person).for_person_record())


GROUP_MEETINGS_SHOWN = 10  # on the person page; the rest are a link away (group_meetings_page)


def latest_attendances(person: Person, limit: int = GROUP_MEETINGS_SHOWN) -> tuple[list[Attendance], int]:
    """The latest `limit` meetings a person came to, newest first, with their addenda, and how many they came to in
    all, for their record's page (already audited as a view of the person by `get_person_for`). One query: the
    latest are chosen among the person's rows alone (`with_meeting`), then joined to their meetings; the count is a
    sub-query run once."""
    theirs = Attendance.objects.filter(person=person)
    chosen = theirs.newest_first().values("pk")[:limit]
    of_all = theirs.order_by().values("person").annotate(n=Count("pk")).values("n")
    latest = list(
        Attendance.objects.filter(pk__in=chosen).for_person_record().annotate(of_all=Subquery(of_all))
    )
    return latest, latest[0].of_all if latest else 0


def group_meetings_page(request: HttpRequest, person: Person) -> Page:
    """Every meeting a person came to, newest first, a page at a time (two queries: the count and the page). The
    caller fetched the person with `get_person_for`, which audited the view of their record; the page shows no one
    else."""
    page = paginate(request, Attendance.objects.filter(person=person).newest_first().values("pk"))
    # The page's rows chosen among the person's own (as latest_attendances does), then joined to their meetings.
    page.object_list = list(Attendance.objects.filter(pk__in=page.object_list).for_person_record())
    return page


# ---- Brief contacts ------------------------------------------------------------------------------------------------


def get_brief_contact_for(user: User, pk: int, *, write: bool = False) -> BriefContact:
    """A brief contact this user recorded (or a supervisee did); only its recorder links it to a person."""
    return core.fetch_for(
        user,
        BriefContact.objects.visible_to(user).select_related("person", "recorded_by"),
        pk,
        write=write,
        may_write=lambda u, contact: contact.recorded_by_id == u.pk,
        not_found="No such brief contact.",
        read_only="Only the person who recorded a brief contact can link it.",
    )


def brief_contacts_page(request: HttpRequest) -> Page:
    core.require(request.user, core.menu_for(request.user).brief_contacts, page="brief contacts")
    contacts = BriefContact.objects.visible_to(request.user).for_list()
    return core.audit_page("brief contacts", paginate(request, contacts))


def link_choices_for(user: User) -> QuerySet:
    """The user's own current caseload, as the people a brief contact may be linked to. The names are audited."""
    people = (
        Person.objects.visible_to(user)
        .filter(practitioner=user, erased_at__isnull=True, support_ended__isnull=True)
        .order_by("preferred_name", "pk")
    )
    core.audit_list("brief contact link choices", people, person="pk")
    return people
