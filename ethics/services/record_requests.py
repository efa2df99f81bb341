"""A person asks for something in their record to be corrected or deleted; the data protection lead answers.

The person asks from their own view (one action each). The request is due one calendar month after it arrived, by
the same rule as a subject access request (ethics.models.rights.one_calendar_month_after). The lead records the
outcome (done, partly done, or refused with the reason the person is given). A deletion request may lead into the
erasure flow: that only records an erasure request, which is then decided and approved by a second admin there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from chime.services import notify
from ethics.models import RecordChangeRequest
from ethics.models.rights import one_calendar_month_after
from ethics.own_record import is_own_record
from ethics.services import rights

if TYPE_CHECKING:
    from ethics.models import ErasureRequest
    from sessions.models import Person, SupportSession

Kind = RecordChangeRequest.Kind
Outcome = RecordChangeRequest.Outcome
MAX_WORDS = 4000  # characters in any one box: room for a full account, not for a pasted file


class RecordRequestError(RuleBroken):
    """A request to correct or delete something could not be made or answered."""


def may_handle(user: User) -> bool:
    """Only the data protection lead answers these requests."""
    return user.is_active and user.is_data_protection_lead


def _require_lead(user: User) -> None:
    if not may_handle(user):
        raise RecordRequestError("not_lead", "Only the data protection lead can do this.")


def _text(value: str, *, required: bool, code: str, message: str) -> str:
    value = value.strip()
    if required and not value:
        raise RecordRequestError(code, message)
    if len(value) > MAX_WORDS:
        raise RecordRequestError("too_long", f"Please keep each answer under {MAX_WORDS} characters.")
    return value


def _create(*, person: Person, asked_by: User, **fields: object) -> RecordChangeRequest:
    if not is_own_record(asked_by, person):
        raise RecordRequestError("not_theirs", "Only the person can ask this from their own record.")
    session = fields.get("session")
    if session is not None and session.person_id != person.pk:
        raise RecordRequestError("not_their_session", "Choose one of your own sessions.")
    received = timezone.localdate()
    request = RecordChangeRequest.objects.create(
        person=person,
        received_on=received,
        due_on=one_calendar_month_after(received),
        recorded_by=asked_by,
        **fields,
    )
    audit.record(
        AuditEvent.Action.CREATE,
        obj=request,
        person_id=person.pk,
        actor=asked_by,
        reason=Reason("asked: {kind}", kind=Kind(request.kind)),
    )
    notify(
        recipients=User.objects.data_protection_leads(),
        title="A request to correct or delete a record has arrived",
        body=f"It is due by {date_format(request.due_on)}.",
        url=reverse("change-request", args=[request.pk]),
        about=None,
    )
    return request


@transaction.atomic
def ask_for_correction(
    *, person: Person, asked_by: User, what: str, should_say: str, session: SupportSession | None = None
) -> RecordChangeRequest:
    """The person asks for something to be corrected: what is wrong, what it should say, optionally which session."""
    return _create(
        person=person,
        asked_by=asked_by,
        kind=Kind.CORRECTION,
        session=session,
        what=_text(what, required=True, code="no_what", message="Please say what is wrong."),
        should_say=_text(should_say, required=True, code="no_fix", message="Please say what it should say."),
    )


@transaction.atomic
def ask_for_deletion(
    *, person: Person, asked_by: User, what: str, why: str = "", session: SupportSession | None = None
) -> RecordChangeRequest:
    """The person asks for something to be deleted: what, and (if they want to say) why."""
    return _create(
        person=person,
        asked_by=asked_by,
        kind=Kind.DELETION,
        session=session,
        what=_text(what, required=True, code="no_what", message="Please say what you want us to delete."),
        why=_text(why, required=False, code="", message=""),
    )


def _locked_open(request: RecordChangeRequest) -> RecordChangeRequest:
    locked = RecordChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise RecordRequestError("already_answered", "This request has already been answered.")
    return locked


@transaction.atomic
def record_outcome(
    *, request: RecordChangeRequest, decided_by: User, outcome: str, note: str = ""
) -> RecordChangeRequest:
    """The data protection lead's answer: done, partly done, or refused. A refusal gives the reason, which the
    person reads on their own page. Audited; the person's practitioner is not told what was asked."""
    _require_lead(decided_by)
    if outcome not in Outcome.values:
        raise RecordRequestError("no_outcome", "Choose what was done.")
    note = _text(
        note,
        required=outcome == Outcome.REFUSED,
        code="no_reason",
        message="A refusal must give the person the reason.",
    )
    request = _locked_open(request)
    request.outcome, request.outcome_note = outcome, note
    request.decided_by, request.decided_at = decided_by, timezone.now()
    request.save(update_fields=["outcome", "outcome_note", "decided_by", "decided_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=request,
        person_id=request.person_id,
        actor=decided_by,
        reason=Reason("answered: {outcome}", outcome=Outcome(outcome)),
    )
    return request


@transaction.atomic
def start_erasure(*, request: RecordChangeRequest, started_by: User) -> ErasureRequest:
    """Lead a deletion request into the erasure flow: records an erasure request (ethics.services.rights), which
    is then decided there and carried out only with a second admin's approval. Nothing is erased here."""
    _require_lead(started_by)
    request = _locked_open(request)
    if request.kind != Kind.DELETION:
        raise RecordRequestError("not_deletion", "Only a request to delete something leads to erasure.")
    if request.erasure_id is not None:
        raise RecordRequestError("already_started", "An erasure request has already been started for this.")
    erasure = rights.record_erasure_request(person=request.person, recorded_by=started_by)
    request.erasure = erasure
    request.save(update_fields=["erasure"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=request,
        person_id=request.person_id,
        actor=started_by,
        reason=Reason("erasure request {erasure} started", erasure=erasure.pk),
    )
    return erasure
