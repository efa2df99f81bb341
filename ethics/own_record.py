"""What a person signed in to their own record may see: their record, and nothing else.

Fetches go through the one access helper (chime.access.fetch_for), so a session that is not theirs answers 404
exactly like one that does not exist, and every look is on the audit trail with the person as the actor. What the
person's view leaves out is decided here, not in templates: safeguarding concerns are never shown, and a session
held back (`WithheldSession`) shows only that something was held back on that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404

from chime import access as core
from chime import audit
from chime.models import AuditEvent
from ethics.models.consent import Consent
from ethics.models.online_access import OnlineAccess, WithheldSession
from ethics.models.record_requests import RecordChangeRequest
from ethics.models.rights import SubjectAccessRequest
from sessions.access import attendances_on_record
from sessions.checkins import rating_months
from sessions.insights import AreaMonths
from sessions.measures import Due, due_for
from sessions.models import (
    Attendance,
    CaseloadAssignment,
    GoalStep,
    Person,
    RecoveryGoal,
    SessionArea,
    SupportSession,
    View,
)

if TYPE_CHECKING:
    from chime.models import User


def own_access(user: User) -> OnlineAccess:
    """The online access this account belongs to (404 when it is off: the account is then closed anyway)."""
    access = OnlineAccess.objects.active().filter(account=user).first() if core.is_person(user) else None
    if access is None:
        raise Http404("No such page.")
    return access


def is_own_record(user: User, person: Person) -> bool:
    """Whether `user` is this person, signed in to their own record (so may act on it themselves)."""
    return core.is_person(user) and OnlineAccess.objects.active().filter(account=user, person=person).exists()


def own_person(user: User) -> Person:
    """The person's own record, audited as a view with the person as the actor."""
    access = own_access(user)
    people = Person.objects.filter(pk=access.person_id, erased_at__isnull=True).select_related("practitioner")
    return core.fetch_for(user, people, access.person_id, person="pk", not_found="No such page.")


def _own_sessions(person_id: int):
    held = WithheldSession.objects.current().filter(session=OuterRef("pk"))
    return (
        SupportSession.objects.filter(person_id=person_id)
        .select_related("practitioner")
        .prefetch_related("areas")
        .annotate(held_back=Exists(held))
        .order_by("-occurred_at", "-pk")
    )


def own_sessions(person: Person) -> list[SupportSession]:
    """Their sessions, newest first, each marked `held_back` when its notes are held back from this view.
    (The page fetching `person` is the audited look.)"""
    return list(_own_sessions(person.pk))


def own_goals(person: Person) -> list[RecoveryGoal]:
    """The goals of their recovery plan in their words, each with its steps (two queries). Which sessions worked on
    a goal is left out: a session held back from this view must not show through its goals."""
    steps = GoalStep.objects.order_by("done_on", "by_when", "pk")
    goals = RecoveryGoal.objects.filter(plan__person=person).order_by("achieved_on", "pk")
    return list(goals.prefetch_related(Prefetch("steps", queryset=steps)))


def own_group_meetings(person: Person) -> list[Attendance]:
    """The group meetings they came to, newest first, each with the addendum written for them alone (one query).
    Never who else came: a register is the facilitators' (issue 13)."""
    return attendances_on_record(person)


def get_own_session(user: User, pk: int) -> SupportSession:
    """One of their own sessions, or 404 (anyone else's session answers as if it did not exist). Audited."""
    person_id = own_access(user).person_id
    sessions = _own_sessions(person_id).filter(person__erased_at__isnull=True)
    return core.fetch_for(user, sessions, pk, not_found="No such session.")


def own_consents(person: Person) -> list[Consent]:
    """Every consent they have given (the latest version of each), active first."""
    return list(Consent.objects.for_person_page(person))


def get_own_consent(user: User, pk: int) -> Consent:
    """One of their own consents (its latest version), or 404. Audited."""
    person_id = own_access(user).person_id
    consents = Consent.objects.current().filter(person_id=person_id, person__erased_at__isnull=True)
    return core.fetch_for(
        user, consents.select_related("purpose", "wording"), pk, not_found="No such consent."
    )


def own_copy_requests(person: Person) -> list[SubjectAccessRequest]:
    """Their requests for a copy of their record, newest first, with when each is due."""
    return list(SubjectAccessRequest.objects.filter(person=person).order_by("-received_on", "-pk"))


def own_change_requests(person: Person) -> list[RecordChangeRequest]:
    """Their requests to correct or delete something, newest first, with when each is due and its answer."""
    return list(RecordChangeRequest.objects.filter(person=person).order_by("-received_on", "-pk"))


def own_sessions_to_choose(person: Person) -> list[SupportSession]:
    """Their sessions, newest first, to say which one a correction is about (one query)."""
    return list(SupportSession.objects.filter(person=person).order_by("-occurred_at", "-pk"))


def own_supporters(person: Person) -> list[CaseloadAssignment]:
    """Who has supported them, newest first."""
    return list(CaseloadAssignment.objects.filter(person=person).select_related("practitioner"))


@dataclass(frozen=True)
class Look:
    """One line of "who has seen my record", in plain words."""

    at: object
    who: str
    role: str
    what: str


_WHAT = {
    AuditEvent.Action.VIEW: "looked at your record",
    AuditEvent.Action.CREATE: "added to your record",
    AuditEvent.Action.UPDATE: "changed your record",
    AuditEvent.Action.EXPORT: "made a copy of your record",
    AuditEvent.Action.SHARE: "shared information about you",
    AuditEvent.Action.EMERGENCY_ACCESS: "opened your record in an emergency",
    AuditEvent.Action.DENIED: "tried to open your record and was stopped",
    AuditEvent.Action.CONSENT_GIVEN: "wrote down a choice you made",
    AuditEvent.Action.CONSENT_WITHDRAWN: "wrote down that you changed your mind",
    AuditEvent.Action.CONSENT_CHANGED: "changed a choice you made",
    AuditEvent.Action.AUDIT_READ: "looked at who has seen your record",
    AuditEvent.Action.REVIEW: "checked a session",
}


def who_has_seen(user: User, person: Person, *, limit: int = 100) -> list[Look]:
    """Every member of staff who looked at or changed their record, newest first, from the audit trail (the same
    rows the staff side's "who has seen this record" reads). Reading it is itself audited."""
    audit.record(
        AuditEvent.Action.AUDIT_READ, object_type="support.Person", object_id=person.pk, person_id=person.pk
    )
    rows = (
        AuditEvent.objects.about_person(person.pk).exclude(actor__isnull=True).exclude(actor__is_person=True)
    )
    return [
        Look(
            at=row.at,
            who=row.actor.name,
            role=row.actor_roles.replace(",", ", ") or "member of staff",
            what=_WHAT.get(row.action, "did something with your record"),
        )
        for row in rows[:limit]
    ]


# ---- Their own check-ins, goals and questionnaires (issue 12 section 4, issue 14) -----------------------------------


def get_own_goal(user: User, pk: int) -> RecoveryGoal:
    """One goal of their own plan, or 404 (anyone else's goal answers as if it did not exist). Audited."""
    person_id = own_access(user).person_id
    goals = RecoveryGoal.objects.filter(plan__person_id=person_id, plan__person__erased_at__isnull=True)
    return core.fetch_for(
        user, goals.select_related("plan"), pk, person="plan.person_id", not_found="No such goal."
    )


def get_own_step(user: User, pk: int) -> GoalStep:
    """One step towards a goal of their own, or 404. Audited."""
    person_id = own_access(user).person_id
    steps = GoalStep.objects.filter(
        goal__plan__person_id=person_id, goal__plan__person__erased_at__isnull=True
    )
    return core.fetch_for(
        user, steps.select_related("goal__plan"), pk, person="goal.plan.person_id", not_found="No such step."
    )


def own_session_rating_months(person: Person) -> AreaMonths:
    """The ratings they gave as their own view in sessions, month by month (one query). A session held back
    from this view does not show through its ratings."""
    held = WithheldSession.objects.current().filter(session=OuterRef("session"))
    ratings = (
        SessionArea.objects.filter(session__person=person, rating__isnull=False, rating_view=View.OWN)
        .annotate(held_back=Exists(held))
        .filter(held_back=False)
    )
    return rating_months(ratings, "session__occurred_at")


def due_now(person: Person) -> list[Due]:
    """The questionnaires they could fill in now (two queries). One they said no to is not due again until the
    next occasion (sessions.measures)."""
    return [due for due in due_for(person) if due.is_due]


def own_due(person: Person, measure_pk: int) -> Due | None:
    """The occasion `measure_pk` is due on now, if it is."""
    return next((due for due in due_now(person) if due.measure.pk == measure_pk), None)
