"""Data-subject rights: gather everything held about a person, erase on request, apply retention rules.

Erasure and retention anonymise rather than delete rows, so the audit trail (which holds no content) still joins up.
They never touch a person under a legal hold, and never remove safeguarding records (kept under legal retention).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pgtrigger
from django.db import transaction
from django.utils import timezone

from chime import audit
from chime.audit import Reason
from chime.models import AuditEvent, Notification
from ethics.models import (
    Consent,
    Disclosure,
    EmergencyAccess,
    ErasureRequest,
    LegalHold,
    RetentionRule,
    SubjectAccessRequest,
)
from sessions.models import (
    PERSON_FIELDS,
    CaseloadAssignment,
    Person,
    PersonVersion,
    SessionArea,
    SessionAreaVersion,
    SupportSession,
    SupportSessionVersion,
)

if TYPE_CHECKING:
    from chime.models import User

ERASED_NAME = "Erased person"
ERASED_NOTE = "[erased]"


class RightsError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---- Subject access -------------------------------------------------------------------------------------------


def _details(person: Person) -> list[dict[str, object]]:
    fields = [*PERSON_FIELDS, "created_at"]
    return [{name: getattr(person, name) for name in fields}]


def _caseload_history(person: Person) -> list[dict[str, object]]:
    rows = (
        CaseloadAssignment.objects.filter(person=person).select_related("practitioner").order_by("started_at")
    )
    return [{"practitioner": a.practitioner.name, "from": a.started_at, "to": a.ended_at} for a in rows]


def _sessions(person: Person) -> list[dict[str, object]]:
    sessions = SupportSession.objects.filter(person=person).for_timeline().order_by("occurred_at")
    return [
        {
            "when": s.occurred_at,
            "minutes": s.duration_minutes,
            "how": s.get_mode_display(),
            "where": s.location,
            "logged_by": s.practitioner.name,
            "areas": [
                {"area": a.get_area_display(), "note": a.note, "their_rating": a.rating}
                for a in s.areas.all()
            ],
            "next_steps": s.next_steps,
            "follow_up_on": s.follow_up_on,
            "signposted_to": s.signposted_to,
        }
        for s in sessions
    ]


def _emergency_uses(person: Person) -> list[dict[str, object]]:
    rows = EmergencyAccess.objects.filter(person=person).select_related("user").order_by("started_at")
    return [
        {
            "by": g.user.name,
            "when": g.started_at,
            "reason": g.get_reason_display(),
            "review": g.get_review_outcome_display() or "not yet reviewed",
        }
        for g in rows
    ]


def _consents(person: Person) -> list[dict[str, object]]:
    rows = (
        Consent.objects.filter(person=person)
        .select_related("purpose", "recorded_by")
        .order_by("series", "version")
    )
    return [
        {
            "purpose": c.purpose.name,
            "recipient": c.recipient,
            "what": ", ".join(c.content_kinds),
            "status": c.get_status_display(),
            "given_on": c.given_on,
            "expires_on": c.expires_on,
            "how_given": c.get_how_given_display(),
            "version": c.version,
            "recorded_by": c.recorded_by.name,
        }
        for c in rows
    ]


def _disclosures(person: Person) -> list[dict[str, object]]:
    rows = (
        Disclosure.objects.filter(person=person).select_related("purpose", "shared_by").order_by("shared_at")
    )
    return [
        {
            "when": d.shared_at,
            "shared_with": d.recipient,
            "purpose": d.purpose.name,
            "what": ", ".join(d.content_kinds),
            "basis": d.get_legal_basis_display(),
            "shared_by": d.shared_by.name,
        }
        for d in rows
    ]


def _concerns(person: Person) -> list[dict[str, object]]:
    from ethics.models import Concern

    rows = Concern.objects.filter(person=person).select_related("raised_by", "urgency").order_by("raised_at")
    return [
        {
            "raised": c.raised_at,
            "by": c.raised_by.name,
            "type": c.get_type_display(),
            "urgency": c.urgency.name,
            "what_happened": c.what_happened,
            "their_views_and_wishes": c.views_and_wishes,
            "state": c.get_state_display(),
        }
        for c in rows
    ]


def _access_log(person: Person) -> list[dict[str, object]]:
    rows = AuditEvent.objects.about_person(person.pk).order_by("at", "pk")
    return [
        {
            "when": e.at,
            "who": e.actor_username or "unknown",
            "role": e.actor_roles,
            "what": e.get_action_display(),
            "outcome": e.outcome,
        }
        for e in rows
    ]


# Each section: a title and a function from the person to rows. Consent and safeguarding add theirs here.
SUBJECT_ACCESS_SECTIONS: list[tuple[str, Callable[[Person], list[dict[str, object]]]]] = [
    ("Their details", _details),
    ("Who has supported them", _caseload_history),
    ("Support sessions", _sessions),
    ("Their consents, every version", _consents),
    ("What was shared, with whom and why", _disclosures),
    ("Safeguarding concerns", _concerns),
    ("Emergency access to their record", _emergency_uses),
    ("Who has looked at or changed their record", _access_log),
]


@dataclass
class SubjectAccessReport:
    person: Person
    request: SubjectAccessRequest
    sections: list[tuple[str, list[dict[str, object]]]]

    def as_json(self) -> dict[str, object]:
        return {
            "person_id": self.person.pk,
            "received_on": self.request.received_on,
            "due_on": self.request.due_on,
            "generated_at": timezone.now(),
            "sections": {title: rows for title, rows in self.sections},
        }


@transaction.atomic
def gather_subject_access(
    *, request: SubjectAccessRequest, gathered_by: User, as_format: str
) -> SubjectAccessReport:
    """Everything held about the person. Each gathering is an audited export; the request workflow
    (ethics.services.subject_access) keeps what it returns as the request's snapshot."""
    person = request.person
    report = SubjectAccessReport(
        person, request, [(title, build(person)) for title, build in SUBJECT_ACCESS_SECTIONS]
    )
    audit.record(
        AuditEvent.Action.EXPORT,
        obj=request,
        person_id=person.pk,
        actor=gathered_by,
        reason=Reason("subject access"),
    )
    return report


# ---- Holds -----------------------------------------------------------------------------------------------------


def _safeguarding_hold(person: Person) -> str | None:
    from ethics.models import Concern

    if Concern.objects.under_legal_hold().filter(person=person).exists():
        return "safeguarding records are kept under legal retention"
    return None


HOLD_CHECKS: list[Callable[[Person], str | None]] = [
    _safeguarding_hold,
    lambda person: (
        "a legal hold is in place"
        if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()
        else None
    ),
]


def holds_on(person: Person) -> list[str]:
    """Why this person's records must not be erased or anonymised now (empty when nothing stops it)."""
    return [reason for check in HOLD_CHECKS if (reason := check(person))]


# ---- Erasure ---------------------------------------------------------------------------------------------------


@transaction.atomic
def record_erasure_request(*, person: Person, recorded_by: User) -> ErasureRequest:
    request = ErasureRequest.objects.create(person=person, recorded_by=recorded_by)
    audit.record(
        AuditEvent.Action.ERASURE,
        obj=request,
        person_id=person.pk,
        actor=recorded_by,
        reason=Reason("request received"),
    )
    return request


@transaction.atomic
def decide_erasure(
    *, request: ErasureRequest, decided_by: User, agree: bool, exception: str = "", notes: str = ""
) -> None:
    """Agree (pending a second admin's approval) or refuse, citing the exception that applies."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != ErasureRequest.Decision.PENDING:
        raise RightsError("already_decided", "This request has already been decided.")
    if not agree and not exception:
        raise RightsError("no_exception", "A refusal must say which exception applies.")
    if agree and (holds := holds_on(request.person)):
        raise RightsError(
            "on_hold", f"This record cannot be erased: {'; '.join(holds)}. Refuse, citing the exception."
        )
    request.decision = ErasureRequest.Decision.APPROVED if agree else ErasureRequest.Decision.REFUSED
    request.refusal_exception = "" if agree else exception
    request.decision_notes, request.decided_by, request.decided_at = notes.strip(), decided_by, timezone.now()
    request.save(
        update_fields=["decision", "refusal_exception", "decision_notes", "decided_by", "decided_at"]
    )
    audit.record(
        AuditEvent.Action.ERASURE,
        obj=request,
        person_id=request.person_id,
        actor=decided_by,
        reason=Reason("agreed, awaiting second approval")
        if agree
        else Reason("refused: {exception}", exception=ErasureRequest.Exception_(request.refusal_exception)),
    )


@transaction.atomic
def approve_erasure(*, request: ErasureRequest, approved_by: User) -> None:
    """The second admin's approval: carries the erasure out at once."""
    request = ErasureRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if request.decision != ErasureRequest.Decision.APPROVED:
        raise RightsError("not_agreed", "Only an agreed request can be approved.")
    if request.decided_by_id == approved_by.pk:
        raise RightsError("same_admin", "A second admin, not the one who agreed it, must approve an erasure.")
    if holds := holds_on(request.person):
        raise RightsError("on_hold", f"This record cannot be erased now: {'; '.join(holds)}.")
    anonymise_person(request.person)
    request.decision, request.approved_by, request.carried_out_at = (
        ErasureRequest.Decision.CARRIED_OUT,
        approved_by,
        timezone.now(),
    )
    request.save(update_fields=["decision", "approved_by", "carried_out_at"])
    audit.record(
        AuditEvent.Action.ERASURE,
        obj=request,
        person_id=request.person_id,
        actor=approved_by,
        reason=Reason("carried out"),
    )


_HISTORY_TRIGGERS = (
    "support.Person:before_edit_update",
    "support.SupportSession:before_edit_update",
    "support.SessionArea:before_edit_update",
    "support.PersonVersion:append_only",
    "support.SupportSessionVersion:append_only",
    "support.SessionAreaVersion:append_only",
    "ethics.Disclosure:disclosures_are_never_changed",
)


def anonymise_person(person: Person) -> None:
    """Strip everything that identifies or describes the person, including earlier versions. Content-free rows stay.

    The version tables are append-only; erasure is the one place allowed past that rule, for this person only.
    """
    sessions = SupportSession.objects.filter(person=person)
    with pgtrigger.ignore(*_HISTORY_TRIGGERS):
        SessionAreaVersion.objects.filter(session_id__in=sessions.values("pk")).delete()
        SupportSessionVersion.objects.filter(pgh_obj__in=sessions).delete()
        PersonVersion.objects.filter(pgh_obj=person).delete()
        SessionArea.objects.filter(session__person=person).update(note=ERASED_NOTE)
        sessions.update(location="", next_steps="", signposted_to="", signposting_notes="")
        # What was shared stays recorded (to whom, when, why, on what basis); the copy of the content goes.
        Disclosure.objects.filter(person=person).update(content={"erased": True})
        Person.objects.filter(pk=person.pk).update(
            preferred_name=f"{ERASED_NAME} {person.pk}",
            pronouns="",
            phone="",
            email="",
            what_matters="",
            goals="",
            strengths="",
            referred_by="",
            erased_at=timezone.now(),
        )


# ---- Retention -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionAction:
    kind: str
    object_id: int
    action: str
    why: str


def apply_retention(
    *, dry_run: bool, today: dt.date | None = None
) -> tuple[list[RetentionAction], list[RetentionAction]]:
    """Apply every retention rule. Returns (done or due, skipped under a hold). With dry_run, changes nothing."""
    today = today or timezone.localdate()
    due: list[RetentionAction] = []
    held: list[RetentionAction] = []
    for rule in RetentionRule.objects.order_by("kind"):
        cutoff = today - dt.timedelta(days=rule.keep_for_days)
        if rule.kind == RetentionRule.Kind.PERSON:
            _people_due(rule, cutoff, due, held)
        elif rule.kind == RetentionRule.Kind.NOTIFICATION:
            for pk in (
                Notification.objects.filter(read_at__date__lt=cutoff).values_list("pk", flat=True).iterator()
            ):
                due.append(RetentionAction("notification", pk, rule.action, f"read before {cutoff:%d %b %Y}"))
    if not dry_run:
        _carry_out(due)
    return due, held


def _people_due(rule: RetentionRule, cutoff: dt.date, due: list, held: list) -> None:
    candidates = Person.objects.filter(support_ended__lt=cutoff, erased_at__isnull=True).order_by("pk")
    for person in candidates.iterator():
        why = f"support ended {person.support_ended:%d %b %Y}, over {rule.keep_for_days} days ago"
        holds = holds_on(person)
        target = held if holds else due
        target.append(RetentionAction("person", person.pk, rule.action, "; ".join(holds) if holds else why))


@transaction.atomic
def _carry_out(actions: list[RetentionAction]) -> None:
    people = [a for a in actions if a.kind == "person"]
    for action in people:
        anonymise_person(Person.objects.get(pk=action.object_id))
        audit.record(
            AuditEvent.Action.RETENTION,
            object_type="support.Person",
            object_id=action.object_id,
            person_id=action.object_id,
            reason=Reason("anonymised under the retention rule"),  # why: on the retention report
        )
    notifications = [a.object_id for a in actions if a.kind == "notification"]
    if notifications:
        Notification.objects.filter(pk__in=notifications).delete()
        audit.record(
            AuditEvent.Action.RETENTION,
            object_type="chime.Notification",
            reason=Reason("removed {count} read notifications", count=len(notifications)),
        )
