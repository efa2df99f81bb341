"""Data-subject rights: gather everything held about a person, erase on request, apply retention rules.

Subject access and erasure follow the personal-data map (chime.personal_data, declared beside each model). Erasure
and retention anonymise rather than delete rows, so the audit trail (which holds no content) still joins up. A hold
on the whole record stops them; a safeguarding concern keeps only its own records (ethics.services.holds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from chime import audit, personal_data
from chime.accounts.staff import StaffError, check_second_person
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, Notification
from ethics.models import (
    ErasureRequest,
    RetentionRule,
    SubjectAccessRequest,
)
from ethics.services import holds, online_access
from sessions.models import Person

if TYPE_CHECKING:
    from chime.models import User


class RightsError(RuleBroken):
    """A rule of people's rights (erasure, retention) was broken."""


# ---- Subject access -------------------------------------------------------------------------------------------


def _sections(person: Person) -> list[tuple[str, list[dict[str, object]]]]:
    """Every record about the person, model by model, as the personal-data map declares them."""
    return personal_data.subject_access(person.pk)


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
    report = SubjectAccessReport(person, request, _sections(person))
    audit.record(
        AuditEvent.Action.EXPORT,
        obj=request,
        person_id=person.pk,
        actor=gathered_by,
        reason=Reason("subject access"),
    )
    return report


# ---- Holds -----------------------------------------------------------------------------------------------------


def holds_on(person: Person) -> list[str]:
    """Why this person's records must not be erased or anonymised now (empty when nothing stops it).

    A safeguarding concern does not stop erasure: it keeps its own records (see ethics.services.holds)."""
    return holds.blocking(person)


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


def approve_erasure(*, request: ErasureRequest, approved_by: User) -> list[holds.Kept]:
    """The second admin's approval: carries the erasure out at once and returns what safeguarding holds kept.

    The approver must be a true second person (chime.accounts.staff.check_second_person, which audits a refusal)."""
    request = ErasureRequest.objects.select_related("decided_by").get(pk=request.pk)
    if request.decision == ErasureRequest.Decision.APPROVED:
        try:
            check_second_person(
                approver=approved_by,
                requester=request.decided_by,
                requested_at=request.decided_at,
                about=request,
                person_id=request.person_id,
            )
        except StaffError as error:
            raise RightsError(error.code, str(error)) from error
    return _carry_out_erasure(request=request, approved_by=approved_by)


@transaction.atomic
def _carry_out_erasure(*, request: ErasureRequest, approved_by: User) -> list[holds.Kept]:
    request = ErasureRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if request.decision != ErasureRequest.Decision.APPROVED:
        raise RightsError("not_agreed", "Only an agreed request can be approved.")
    if blocking := holds_on(request.person):
        raise RightsError("on_hold", f"This record cannot be erased now: {'; '.join(blocking)}.")
    kept = anonymise_person(request.person, erased_by=approved_by)
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
    return kept


def anonymise_person(person: Person, *, erased_by: User | None = None) -> list[holds.Kept]:
    """Apply the personal-data map to everything about the person: details, notes, earlier versions, consents,
    disclosures, reviews. Records under a safeguarding hold stay intact. Returns what each hold kept."""
    held = holds.keep_safeguarding_records(person=person, erased_by=erased_by)
    if access := online_access.current_access(person):  # their own sign-in closes with the record
        online_access.turn_off_online_access(access=access, by=erased_by)
    personal_data.erase(person.pk, held=held)
    with personal_data.past_protections([Person]):
        Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    return holds.kept_under_holds(person)


# ---- Retention -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionAction:
    kind: str
    object_id: int
    action: str
    why: str
    kept: tuple[str, ...] = ()  # what safeguarding holds keep when the rest is anonymised


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
        if blocked := holds_on(person):
            held.append(RetentionAction("person", person.pk, rule.action, "; ".join(blocked)))
        else:
            kept = tuple(str(k) for k in holds.kept_under_holds(person))
            due.append(RetentionAction("person", person.pk, rule.action, why, kept))


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
