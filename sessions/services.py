"""Writes to people and support sessions. Each is one transaction; views call exactly one of these."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pghistory
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chime import access as core
from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.framework import AreaChoices
from chime.models import AuditEvent
from chime.services import notify
from sessions.models import (
    CaseloadAssignment,
    CheckIn,
    DirectoryService,
    GoalStep,
    Measure,
    MeasureResponse,
    Person,
    PlanReview,
    RecoveryGoal,
    RecoveryPlan,
    SessionArea,
    SessionReview,
    SupervisionRecord,
    SupportSession,
    View,
)

if TYPE_CHECKING:
    from chime.models import User


class SessionError(RuleBroken):
    """A support-session rule was broken. `code` says which; the message is for people."""


@dataclass(frozen=True)
class AreaEntry:
    area: str
    note: str
    rating: int | None = None
    rating_view: str = View.OWN


@dataclass(frozen=True)
class SessionDetails:
    occurred_at: dt.datetime
    duration_minutes: int
    mode: str
    location: str = ""
    next_steps: str = ""
    follow_up_on: dt.date | None = None
    signposted_to: str = ""
    signposting_notes: str = ""


def _check_areas(areas: list[AreaEntry]) -> None:
    if not areas:
        raise SessionError("no_area", "Add a note for at least one CHIME area the session touched.")
    if len({entry.area for entry in areas}) != len(areas):
        raise SessionError("repeated_area", "Each CHIME area can have only one note per session.")


@transaction.atomic
def record_session(
    *,
    person: Person,
    practitioner: User,
    details: SessionDetails,
    areas: list[AreaEntry],
    submission_key: uuid.UUID,
    goals: list[RecoveryGoal] = (),
    signposted_services: list[DirectoryService] = (),
) -> tuple[SupportSession, bool]:
    """Log a support session. Posting the same form twice returns the first session instead of a second one.
    `signposted_services` are the directory services the person was pointed to (only ones offered today).

    Returns the session and whether it was created now.
    """
    if person.practitioner_id != practitioner.pk:
        raise SessionError("not_on_caseload", "You can only log sessions for people on your caseload.")
    _check_areas(areas)
    _check_goals_worked_on(person, goals)
    check_services_offered(signposted_services)
    existing = SupportSession.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_submission(existing, person, practitioner), False
    try:
        with transaction.atomic():
            session = SupportSession.objects.create(
                person=person, practitioner=practitioner, submission_key=submission_key, **details.__dict__
            )
    except IntegrityError:
        # A second copy of the same form raced this one and won: theirs is the session.
        existing = SupportSession.objects.get(submission_key=submission_key)
        return _same_submission(existing, person, practitioner), False
    SessionArea.objects.bulk_create(
        SessionArea(session=session, area=e.area, note=e.note, rating=e.rating, rating_view=e.rating_view)
        for e in areas
    )
    session.goals_worked_on.set(goals)
    session.signposted_services.set(signposted_services)
    audit.record(AuditEvent.Action.CREATE, obj=session, person_id=person.pk, actor=practitioner)
    return session, True


def check_services_offered(services: list[DirectoryService], *, kept: set[int] = frozenset()) -> None:
    """Signposting names services the directory offers today; a retired one stays only where it already was."""
    ids = {service.pk for service in services} - set(kept)
    offered = set(DirectoryService.objects.offered().filter(pk__in=ids).values_list("pk", flat=True))
    if ids - offered:
        raise SessionError(
            "service_not_offered", "Choose from the services offered: one of those is retired or not listed."
        )


def _same_submission(existing: SupportSession, person: Person, practitioner: User) -> SupportSession:
    if existing.person_id != person.pk or existing.practitioner_id != practitioner.pk:
        raise SessionError("bad_submission", "This form has already been used. Please start a new one.")
    return existing


@transaction.atomic
def edit_session(
    *,
    session: SupportSession,
    editor: User,
    details: SessionDetails,
    areas: list[AreaEntry],
    goals: list[RecoveryGoal] | None = None,
    signposted_services: list[DirectoryService] | None = None,
) -> bool:
    """Change a session. The earlier version is kept by the history triggers. Returns whether anything changed.
    `signposted_services` None leaves the services chosen as they are."""
    if session.practitioner_id != editor.pk:
        raise SessionError("not_author", "Only the practitioner who logged a session can edit it.")
    _check_areas(areas)
    with pghistory.context(user=editor.pk):  # the version rows of this edit carry who made it
        changed = _apply_edit(session, details, areas)
        if signposted_services is not None:
            changed = _replace_signposts(session, signposted_services) or changed
    if goals is not None:
        _check_goals_worked_on(session.person, goals)
        before = set(session.goals_worked_on.values_list("pk", flat=True))
        session.goals_worked_on.set(goals)
        changed = changed or before != {goal.pk for goal in goals}
    if changed:
        audit.record(AuditEvent.Action.UPDATE, obj=session, person_id=session.person_id, actor=editor)
    return changed


def _replace_signposts(session: SupportSession, services: list[DirectoryService]) -> bool:
    before = set(session.signposted_services.values_list("pk", flat=True))
    check_services_offered(services, kept=before)
    if before == {service.pk for service in services}:
        return False
    session.signposted_services.set(services)
    return True


def _apply_edit(session: SupportSession, details: SessionDetails, areas: list[AreaEntry]) -> bool:
    session = SupportSession.objects.select_for_update().get(pk=session.pk)
    changed_fields = [name for name, value in details.__dict__.items() if getattr(session, name) != value]
    for name in changed_fields:
        setattr(session, name, details.__dict__[name])
    if changed_fields:
        session.save(update_fields=[*changed_fields, "updated_at"])
    return _replace_areas(session, areas) or bool(changed_fields)


def _replace_areas(session: SupportSession, areas: list[AreaEntry]) -> bool:
    current = {area.area: area for area in session.areas.all()}
    wanted = {entry.area: entry for entry in areas}
    changed = False
    for code in current.keys() - wanted.keys():
        current[code].delete()
        changed = True
    for code, entry in wanted.items():
        row = current.get(code)
        if row is None:
            SessionArea.objects.create(
                session=session,
                area=code,
                note=entry.note,
                rating=entry.rating,
                rating_view=entry.rating_view,
            )
            changed = True
        elif (row.note, row.rating, row.rating_view) != (entry.note, entry.rating, entry.rating_view):
            row.note, row.rating, row.rating_view = entry.note, entry.rating, entry.rating_view
            row.save(update_fields=["note", "rating", "rating_view"])
            changed = True
    return changed


@transaction.atomic
def add_person(*, practitioner: User, added_by: User, **details: object) -> Person:
    """Put a new person on a practitioner's caseload."""
    if not details.get("chose_to_take_part"):
        raise SessionError(
            "not_voluntary", "Peer support is voluntary: the person must have chosen to take part."
        )
    person = Person.objects.create(practitioner=practitioner, **details)
    # Their first assignment starts when support started (which may be before the record was typed), so
    # "supported since" and "who has supported them" give the same date.
    CaseloadAssignment.objects.create(
        person=person, practitioner=practitioner, assigned_by=added_by, started_at=person.support_started_at
    )
    audit.record(AuditEvent.Action.CREATE, obj=person, person_id=person.pk, actor=added_by)
    return person


@transaction.atomic
def update_person(*, person: Person, editor: User, **details: object) -> None:
    """Change a person's details (their words, goals, strengths, contact details, dates)."""
    if person.practitioner_id != editor.pk:
        raise SessionError("not_on_caseload", "Only the person's practitioner can change their details.")
    started_before = person.support_started
    for name, value in details.items():
        setattr(person, name, value)
    with pghistory.context(user=editor.pk):
        person.save(update_fields=[*details, "updated_at"])
    if person.support_started != started_before:
        _start_first_assignment(person)
    audit.record(AuditEvent.Action.UPDATE, obj=person, person_id=person.pk, actor=editor)


def _start_first_assignment(person: Person) -> None:
    """Keep the first assignment starting on the day support started (see `add_person`)."""
    first = CaseloadAssignment.objects.filter(person=person).order_by("started_at", "pk").first()
    if first is not None:
        first.started_at = person.support_started_at
        first.save(update_fields=["started_at"])


@transaction.atomic
def move_person(*, person: Person, to_practitioner: User, moved_by: User, reason: str = "") -> None:
    """Move a person to another practitioner's caseload, keeping the record of who supported them when."""
    if not to_practitioner.is_practitioner or not to_practitioner.is_active:
        raise SessionError("not_practitioner", "People can only be moved to an active practitioner.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.practitioner_id == to_practitioner.pk:
        raise SessionError("same_practitioner", f"{person} is already on {to_practitioner}'s caseload.")
    now = timezone.now()
    CaseloadAssignment.objects.filter(person=person, ended_at__isnull=True).update(ended_at=now)
    CaseloadAssignment.objects.create(
        person=person, practitioner=to_practitioner, started_at=now, assigned_by=moved_by, reason=reason
    )
    person.practitioner = to_practitioner
    with pghistory.context(user=moved_by.pk):
        person.save(update_fields=["practitioner", "updated_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=person,
        person_id=person.pk,
        actor=moved_by,
        reason=Reason("moved to another practitioner's caseload (user {user})", user=to_practitioner.pk),
    )


# ---- Supervision ------------------------------------------------------------------------------------------------


class SupervisionError(RuleBroken):
    """A supervision rule was broken. `code` says which; the message is for people."""


@transaction.atomic
def review_session(*, session: SupportSession, reviewer: User, comment: str = "") -> SessionReview:
    """Mark a session reviewed, optionally with feedback. Reviewing again replaces the comment.

    A comment is new feedback for the practitioner: they get a notification that names no one.
    """
    if not reviewer.is_supervisor or session.practitioner.supervisor_id != reviewer.pk:
        raise SupervisionError(
            "not_supervisor", "Only the practitioner's supervisor can review their sessions."
        )
    review, _ = SessionReview.objects.update_or_create(
        session=session,
        defaults={"reviewer": reviewer, "reviewed_at": timezone.now(), "comment": comment, "seen_at": None},
    )
    audit.record(AuditEvent.Action.REVIEW, obj=session, person_id=session.person_id, actor=reviewer)
    if comment:
        notify(
            recipients=[session.practitioner],
            title="Your supervisor left feedback on a session",
            body="Open the session to read it.",
            url=reverse("session-detail", args=[session.pk]),
        )
    return review


def mark_feedback_seen(*, session: SupportSession, practitioner: User) -> bool:
    """The practitioner who logged the session has opened its feedback. Returns whether it was new."""
    changed = SessionReview.objects.filter(
        session=session, session__practitioner=practitioner, seen_at__isnull=True
    ).update(seen_at=timezone.now())
    return bool(changed)


@transaction.atomic
def record_supervision(
    *,
    supervisor: User,
    practitioner: User,
    met_on: dt.date,
    people_discussed: list[Person],
    agreed_actions: str,
    wellbeing: str,
    wellbeing_notes: str,
) -> SupervisionRecord:
    """Log a supervision meeting. Only people on the practitioner's caseload can be named in it."""
    if not supervisor.is_supervisor or practitioner.supervisor_id != supervisor.pk:
        raise SupervisionError("not_supervisor", "You can only record supervision with people you supervise.")
    if any(person.practitioner_id != practitioner.pk for person in people_discussed):
        raise SupervisionError("not_on_caseload", "Only people on the practitioner's caseload can be named.")
    record = SupervisionRecord.objects.create(
        supervisor=supervisor,
        practitioner=practitioner,
        met_on=met_on,
        agreed_actions=agreed_actions,
        wellbeing=wellbeing,
        wellbeing_notes=wellbeing_notes,
    )
    record.people_discussed.set(people_discussed)
    audit.record(AuditEvent.Action.CREATE, obj=record, actor=supervisor)
    return record


# ---- Recovery plans ---------------------------------------------------------------------------------------------
# Every plan service takes the person's plan (or a goal or step in it) and whoever acts: a practitioner in a
# session, or the person in their own view. Who may act is decided before (the access layer); these keep the
# plan's rules and write the audit trail.


class PlanError(RuleBroken):
    """A recovery-plan rule was broken. `code` says which; the message is for people."""


@dataclass(frozen=True)
class StepDetails:
    what: str
    who: str = GoalStep.Who.PERSON
    who_else: str = ""
    by_when: dt.date | None = None
    done_on: dt.date | None = None


def plan_for(person: Person) -> RecoveryPlan:
    """The person's plan, made empty the first time it is needed (a plan with no goals writes nothing else)."""
    plan, _ = RecoveryPlan.objects.get_or_create(person=person)
    return plan


def _audit_plan(action: str, obj: object, person_id: int, actor: User) -> None:
    audit.record(action, obj=obj, person_id=person_id, actor=actor)


def _by_the_person(actor: User) -> dict[str, object]:
    """When the person changes their own plan in their own view, the goal says so (the practitioner sees it)."""
    return {"changed_by_person_at": timezone.now()} if core.is_person(actor) else {}


def _touch_goal(goal: RecoveryGoal, actor: User) -> None:
    for name, value in _by_the_person(actor).items():
        setattr(goal, name, value)
        goal.save(update_fields=[name, "updated_at"])


def _check_goal(in_their_words: str, areas: list[str]) -> None:
    if not in_their_words.strip():
        raise PlanError("no_words", "Write the goal in their words.")
    if not areas:
        raise PlanError("no_area", "Choose at least one CHIME area the goal is about.")


@transaction.atomic
def add_goal(
    *, person: Person, actor: User, in_their_words: str, areas: list[str], steps: list[StepDetails] = ()
) -> RecoveryGoal:
    """Add a goal to the person's plan (making the plan if it is their first), with any first steps."""
    _check_goal(in_their_words, areas)
    goal = RecoveryGoal.objects.create(
        plan=plan_for(person),
        in_their_words=in_their_words.strip(),
        areas=list(areas),
        **_by_the_person(actor),
    )
    for step in steps:
        GoalStep.objects.create(goal=goal, **_step_fields(step))
    _audit_plan(AuditEvent.Action.CREATE, goal, person.pk, actor)
    return goal


@transaction.atomic
def change_goal(
    *, goal: RecoveryGoal, actor: User, in_their_words: str, areas: list[str], achieved_on: dt.date | None
) -> bool:
    """Change a goal's words, areas or whether it is achieved. Returns whether anything changed."""
    _check_goal(in_their_words, areas)
    wanted = {"in_their_words": in_their_words.strip(), "areas": list(areas), "achieved_on": achieved_on}
    changed = [name for name, value in wanted.items() if getattr(goal, name) != value]
    if not changed:
        return False
    stamp = _by_the_person(actor)
    wanted |= stamp
    changed += list(stamp)
    for name in changed:
        setattr(goal, name, wanted[name])
    goal.save(update_fields=[*changed, "updated_at"])
    _audit_plan(AuditEvent.Action.UPDATE, goal, goal.plan.person_id, actor)
    return True


def _step_fields(step: StepDetails) -> dict[str, object]:
    if not step.what.strip():
        raise PlanError("no_step", "Say what the step is.")
    if step.who == GoalStep.Who.SOMEONE_ELSE and not step.who_else.strip():
        raise PlanError("no_one_named", "Say who else will do it.")
    who_else = step.who_else.strip() if step.who == GoalStep.Who.SOMEONE_ELSE else ""
    return {
        "what": step.what.strip(),
        "who": step.who,
        "who_else": who_else,
        "by_when": step.by_when,
        "done_on": step.done_on,
    }


@transaction.atomic
def add_step(*, goal: RecoveryGoal, actor: User, step: StepDetails) -> GoalStep:
    """Add a step towards a goal."""
    row = GoalStep.objects.create(goal=goal, **_step_fields(step))
    _touch_goal(goal, actor)
    _audit_plan(AuditEvent.Action.CREATE, row, goal.plan.person_id, actor)
    return row


@transaction.atomic
def change_step(*, step: GoalStep, actor: User, details: StepDetails) -> bool:
    """Change a step, or mark it done (a done date) or not done (none). Returns whether anything changed."""
    wanted = _step_fields(details)
    changed = [name for name, value in wanted.items() if getattr(step, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(step, name, wanted[name])
    step.save(update_fields=changed)
    _touch_goal(step.goal, actor)
    _audit_plan(AuditEvent.Action.UPDATE, step, step.goal.plan.person_id, actor)
    return True


@transaction.atomic
def set_review_date(*, person: Person, actor: User, review_on: dt.date | None) -> RecoveryPlan:
    """When the plan is next looked at together (none: no review planned)."""
    plan = plan_for(person)
    if plan.review_on != review_on:
        plan.review_on = review_on
        plan.save(update_fields=["review_on", "updated_at"])
        _audit_plan(AuditEvent.Action.UPDATE, plan, person.pk, actor)
    return plan


@transaction.atomic
def review_plan(
    *, person: Person, actor: User, what_changed: str, what_next: str, next_review_on: dt.date | None
) -> PlanReview:
    """Record a review of the plan (what changed, what next) and set the next review date."""
    if not what_changed.strip():
        raise PlanError(
            "no_change_written", "Write what has changed since the plan was made or last reviewed."
        )
    if next_review_on is not None and next_review_on <= timezone.localdate():
        raise PlanError("next_review_passed", "Choose a next review date after today.")
    plan = plan_for(person)
    review = PlanReview.objects.create(
        plan=plan, what_changed=what_changed.strip(), what_next=what_next.strip(), reviewed_by=actor
    )
    plan.review_on = next_review_on
    plan.save(update_fields=["review_on", "updated_at"])
    _audit_plan(AuditEvent.Action.REVIEW, review, person.pk, actor)
    return review


def _check_goals_worked_on(person: Person, goals: list[RecoveryGoal]) -> None:
    if any(goal.plan.person_id != person.pk for goal in goals):
        raise SessionError("not_their_goal", "A session can only work on the person's own goals.")


# ---- Recovery measures ------------------------------------------------------------------------------------------


class MeasureError(RuleBroken):
    """A measure rule was broken. `code` says which; the message is for people."""


def _check_offer(person: Person, measure: Measure, session: SupportSession | None, taken_on: dt.date) -> None:
    if not measure.is_active:
        raise MeasureError("not_offered", f"{measure} is not offered any more.")
    if session is not None and session.person_id != person.pk:
        raise MeasureError("not_their_session", "A measure can only be taken in the person's own session.")
    if taken_on > timezone.localdate():
        raise MeasureError("in_the_future", "The date cannot be in the future.")


@transaction.atomic
def record_measure(
    *,
    person: Person,
    measure: Measure,
    actor: User,
    answers: list[int | None],
    view: str,
    occasion: str,
    taken_on: dt.date,
    session: SupportSession | None = None,
) -> MeasureResponse:
    """Keep a completed measure with its total, scored as the measure's definition says."""
    _check_offer(person, measure, session, taken_on)
    try:
        total = measure.score(answers)
    except ValueError as error:
        raise MeasureError("bad_answers", str(error)) from error
    response = MeasureResponse.objects.create(
        person=person,
        measure=measure,
        session=session,
        occasion=occasion,
        taken_on=taken_on,
        view=view,
        answers=list(answers),
        total=total,
        recorded_by=actor,
    )
    audit.record(AuditEvent.Action.CREATE, obj=response, person_id=person.pk, actor=actor)
    return response


@transaction.atomic
def record_declined(
    *,
    person: Person,
    measure: Measure,
    actor: User,
    occasion: str,
    taken_on: dt.date,
    session: SupportSession | None = None,
) -> MeasureResponse:
    """The person chose not to do the measure this time: kept, so it is not asked again until the next occasion."""
    _check_offer(person, measure, session, taken_on)
    response = MeasureResponse.objects.create(
        person=person,
        measure=measure,
        session=session,
        occasion=occasion,
        taken_on=taken_on,
        view=View.OWN,
        declined=True,
        recorded_by=actor,
    )
    audit.record(
        AuditEvent.Action.CREATE,
        obj=response,
        person_id=person.pk,
        actor=actor,
        reason=Reason("declined measure {measure}", measure=measure.pk),
    )
    return response


# ---- Check-ins: the person's own ratings, in their own view -------------------------------------------------------


class CheckInError(RuleBroken):
    """A check-in rule was broken. `code` says which; the message is for the person."""


@dataclass(frozen=True)
class AreaRating:
    area: str  # a CHIME area code
    rating: int  # 1 to 5
    words: str = ""


def _check_ratings(ratings: list[AreaRating]) -> None:
    if not ratings:
        raise CheckInError("nothing_rated", "Choose a number for at least one area.")
    codes = [r.area for r in ratings]
    if len(set(codes)) != len(codes):
        raise CheckInError("area_twice", "Each area can only be rated once in a check-in.")
    if any(code not in AreaChoices.values for code in codes):
        raise CheckInError("unknown_area", "That is not one of the five areas.")
    if any(not 1 <= r.rating <= 5 for r in ratings):
        raise CheckInError("bad_rating", "Choose a number from 1 to 5.")


@transaction.atomic
def record_check_in(*, person: Person, actor: User, ratings: list[AreaRating]) -> list[CheckIn]:
    """Keep the person's own check-in: a rating (1 to 5) for each area they chose to rate, with their words if
    they gave any, all at the same moment. Each rating is on the audit trail with whoever gave it."""
    _check_ratings(ratings)
    now = timezone.now()
    rows = CheckIn.objects.bulk_create(
        CheckIn(person=person, area=r.area, rating=r.rating, words=r.words.strip(), checked_in_at=now)
        for r in ratings
    )
    for row in rows:
        audit.record(AuditEvent.Action.CREATE, obj=row, person_id=person.pk, actor=actor)
    return rows
