"""Safeguarding writes: raise a concern, move it along its workflow, refer it out, close it, escalate it.

Each function is one transaction that locks the concern row, checks the step is allowed from its current state,
writes the chronology entry and the audit row, and notifies whoever needs to know. A step that is not allowed
raises ConcernError and changes nothing. The database refuses a disallowed state change too (pgtrigger FSM).

Deadlines (ethics.working_time): every urgency has an "acknowledge" deadline and an "act" deadline. The act
deadline is met by a decision: a referral or no further action. The concern's `due_at` is the deadline that
applies now; when it passes, `escalate_overdue` sends the concern one level up (the practitioner's supervisor,
then the safeguarding leads, then the admins), and again after the urgency's "escalate again" interval if it is
still overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from chime.services import notify
from ethics import working_time
from ethics.models import (
    Concern,
    ConcernClosure,
    ConcernEscalation,
    ConcernEvent,
    ContentKind,
    Disclosure,
    EmergencyAccess,
    Referral,
    SharingPurpose,
    UrgencyLevel,
)
from ethics.models.safeguarding import DeadlineUnit
from ethics.services import holds
from ethics.services.emergency import queue_exception_review
from ethics.services.sharing import record_disclosure

if TYPE_CHECKING:
    from sessions.models import Person, SupportSession

State = Concern.State
Kind = ConcernEvent.Kind


REFERRAL_PURPOSE = "Safeguarding referral"  # seeded by ethics migration 0008


class ConcernError(RuleBroken):
    """A safeguarding rule was broken. `code` says which; the message is for people."""


@dataclass(frozen=True)
class Step:
    """A step in the workflow: from which states it may be taken, and the state it leads to."""

    kind: str
    from_states: tuple[str, ...]
    to_state: str


ACKNOWLEDGE = Step(Kind.ACKNOWLEDGED, (State.RAISED,), State.ACKNOWLEDGED)
PLAN_ACTION = Step(Kind.ACTION_PLANNED, (State.ACKNOWLEDGED,), State.ACTION_PLANNED)
# A second referral (to another agency) may be recorded once a concern is already referred.
REFER = Step(Kind.REFERRED, (State.ACTION_PLANNED, State.REFERRED), State.REFERRED)
NO_FURTHER_ACTION = Step(Kind.NO_FURTHER_ACTION, (State.ACTION_PLANNED,), State.NO_FURTHER_ACTION)
CLOSE = Step(Kind.CLOSED, (State.REFERRED, State.NO_FURTHER_ACTION), State.CLOSED)
STEPS = {
    "acknowledge": ACKNOWLEDGE,
    "plan": PLAN_ACTION,
    "refer": REFER,
    "nfa": NO_FURTHER_ACTION,
    "close": CLOSE,
}


def allowed_steps(concern: Concern) -> list[str]:
    """The names of the steps allowed from the concern's current state (what its page offers). While referred,
    the referral's review date can be moved too ("review", which changes no state)."""
    names = [name for name, step in STEPS.items() if concern.state in step.from_states]
    return [*names, "review"] if concern.state == State.REFERRED else names


@dataclass(frozen=True)
class ConcernDetails:
    risk_to: str
    type: str
    urgency: UrgencyLevel
    what_happened: str
    person_knows: str
    consent_to_referral: str
    done_straight_away: str = ""
    views_and_wishes: str = ""
    wanted_outcome: str = ""


def deadline(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """When something counted from `start` is due, in the urgency's unit."""
    if unit == DeadlineUnit.WORKING_DAYS:
        return working_time.end_of_working_day(start, amount)
    if unit == DeadlineUnit.WORKING_HOURS:
        return working_time.add_working_hours(start, amount)
    return start + dt.timedelta(hours=amount)


def concern_url(concern: Concern) -> str:
    return reverse("concern-detail", args=[concern.pk])


# ---- Raising ----------------------------------------------------------------------------------------------------


@transaction.atomic
def raise_concern(
    *,
    person: Person,
    raised_by: User,
    details: ConcernDetails,
    session: SupportSession | None = None,
    raised_at: dt.datetime | None = None,
) -> Concern:
    """Record a new concern, set its deadlines, and tell the people who must respond.

    `raised_at` is for concerns first written down elsewhere (on paper, during an outage); it defaults to now.
    """
    if session is not None and session.person_id != person.pk:
        raise ConcernError("wrong_session", "That session is not with this person.")
    raised_at = raised_at or timezone.now()
    urgency = details.urgency
    acknowledge_by = deadline(raised_at, urgency.acknowledge_within, urgency.acknowledge_unit)
    concern = Concern.objects.create(
        person=person,
        session=session,
        raised_by=raised_by,
        raised_at=raised_at,
        acknowledge_by=acknowledge_by,
        act_by=max(acknowledge_by, deadline(raised_at, urgency.act_within, urgency.act_unit)),
        due_at=acknowledge_by,
        next_escalation_at=acknowledge_by,
        **details.__dict__,
    )
    ConcernEvent.objects.create(
        concern=concern, at=raised_at, by=raised_by, kind=Kind.RAISED, to_state=State.RAISED
    )
    holds.place_safeguarding_hold(concern=concern)
    audit.record(AuditEvent.Action.CREATE, obj=concern, person_id=person.pk, actor=raised_by)
    _tell_first_responders(concern)
    return concern


def _tell_first_responders(concern: Concern) -> None:
    """Supervisors and safeguarding leads hear of every new concern in the app. Supervisors are emailed at once;
    leads are emailed at once when the urgency says so (immediate danger and urgent, as seeded), or when there is
    no supervisor to respond. Emails name no one (chime.services.notify); what is still asked is worked out when
    the notification is read (ethics.access.describe_concerns)."""
    supervisors = _supervisors_of(concern)
    leads = [lead for lead in User.objects.safeguarding_leads() if lead not in supervisors]
    email_leads = concern.urgency.emails_leads_at_once or not supervisors
    message = {
        "title": f"New safeguarding concern ({concern.urgency.name.lower()})",
        "body": f"Concern {concern.pk}, raised on {_when(concern.raised_at)}.",
        "url": concern_url(concern),
        "about": concern,
    }
    notify(recipients=supervisors + (leads if email_leads else []), **message)
    if not email_leads:
        notify(recipients=leads, email=False, **message)


def _supervisors_of(concern: Concern) -> list[User]:
    ids = {concern.raised_by.supervisor_id, concern.person.practitioner.supervisor_id} - {None}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _when(moment: dt.datetime) -> str:
    return formats.date_format(
        timezone.localtime(moment), "DATETIME_FORMAT"
    )  # the one format: "23 Nov 2026, 10:00"


# ---- The workflow -------------------------------------------------------------------------------------------


def _take_step(
    concern: Concern, step: Step, *, by: User, note: str, review_on: dt.date | None = None
) -> Concern:
    """Lock the concern, check the step is allowed now, change its state and write the chronology and audit."""
    locked = _lock(concern, step.from_states, ConcernEvent.Kind(step.kind).label.lower())
    from_state = locked.state
    locked.state = step.to_state
    if review_on is not None:
        locked.referral_review_on = review_on
    locked.due_at = _deadline_in(locked)
    if locked.due_at is None or locked.state == State.REFERRED:
        # A referral's review date shows in the queue (and orders it) but is not escalated: the concern has
        # been acted on, and the review is the lead's own reminder.
        locked.next_escalation_at = None
    elif from_state == State.RAISED:  # the act deadline now applies
        locked.next_escalation_at = max(locked.due_at, timezone.now())
    locked.save(update_fields=Concern.WORKFLOW_FIELDS)
    ConcernEvent.objects.create(
        concern=locked, by=by, kind=step.kind, from_state=from_state, to_state=step.to_state, note=note
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        actor=by,
        reason=Reason("{step}", step=Kind(step.kind)),
    )
    concern.state, concern.due_at = locked.state, locked.due_at
    concern.referral_review_on = locked.referral_review_on
    return locked


def _lock(concern: Concern, from_states: tuple[str, ...], doing: str) -> Concern:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.state not in from_states:
        raise ConcernError(
            "not_allowed_now",
            f"This concern is now “{locked.get_state_display()}”, so it cannot be "
            f"{doing} from here. Nothing was changed.",
        )
    return locked


def _deadline_in(concern: Concern) -> dt.datetime | None:
    if concern.state == State.RAISED:
        return concern.acknowledge_by
    if concern.state in (State.ACKNOWLEDGED, State.ACTION_PLANNED):
        return concern.act_by
    if concern.state == State.REFERRED and concern.referral_review_on is not None:
        return working_time.closing_time(concern.referral_review_on)
    return None


def default_referral_review(referred_on: dt.date) -> dt.date:
    """When to check on a referral unless the lead says otherwise: 10 working days after it was made."""
    return working_time.working_days_after(referred_on, Concern.REFERRAL_REVIEW_WORKING_DAYS)


def _require(text: str, code: str, message: str) -> str:
    if not text.strip():
        raise ConcernError(code, message)
    return text.strip()


@transaction.atomic
def acknowledge_concern(*, concern: Concern, by: User, note: str = "") -> Concern:
    """A responder has seen the concern and is dealing with it."""
    return _take_step(concern, ACKNOWLEDGE, by=by, note=note)


@transaction.atomic
def plan_action(*, concern: Concern, by: User, plan: str) -> Concern:
    """Record what will be done, by whom."""
    plan = _require(plan, "no_plan", "Say what will be done.")
    return _take_step(concern, PLAN_ACTION, by=by, note=plan)


@transaction.atomic
def record_referral(
    *,
    concern: Concern,
    by: User,
    agency: str,
    referred_on: dt.date,
    what_was_shared: str,
    basis: str,
    reference: str = "",
    agency_name: str = "",
    risk_justification: str = "",
    review_on: dt.date | None = None,
) -> Referral:
    """Record a referral to an external agency: what was shared, and on what basis (consent or risk of harm).

    `review_on` is the day to check the referral has been taken up (default: 10 working days after it was made);
    it becomes the concern's deadline while it is referred. This is the one place a referral is written, so it is
    where a recorded disclosure (issue 3) is added too.
    """
    what_was_shared = _require(what_was_shared, "nothing_shared", "Say what was shared with the agency.")
    if basis == Referral.Basis.CONSENT and concern.consent_to_referral != Concern.Consent.YES:
        raise ConcernError(
            "no_consent",
            "The concern does not record the person's consent to a referral. Without it, give the "
            "risk-of-harm justification instead.",
        )
    if basis == Referral.Basis.RISK_OF_HARM:
        risk_justification = _require(
            risk_justification,
            "no_justification",
            "Sharing without consent needs a justification: the risk of serious harm, and why it outweighs "
            "the person's wishes.",
        )
    review_on = review_on or default_referral_review(referred_on)
    locked = _take_step(
        concern,
        REFER,
        by=by,
        note=f"Referred to {Referral.Agency(agency).label}. Review the referral on {formats.date_format(review_on)}.",
        review_on=review_on,
    )
    disclosure = _disclose_referral(
        locked, by, agency, agency_name, reference, what_was_shared, basis, risk_justification
    )
    referral = Referral.objects.create(
        concern=locked,
        agency=agency,
        agency_name=agency_name,
        referred_on=referred_on,
        reference=reference,
        what_was_shared=what_was_shared,
        basis=basis,
        risk_justification=risk_justification,
        recorded_by=by,
        disclosure=disclosure,
    )
    return referral


def _referral_purpose() -> SharingPurpose:
    # Seeded by ethics migration 0008; made again here if an organisation removed it from the list by hand.
    purpose, _ = SharingPurpose.objects.get_or_create(
        name=REFERRAL_PURPOSE,
        defaults={
            "description": "A referral to an external agency when someone is at risk.",
            "is_active": False,
        },
    )
    return purpose


def _disclose_referral(
    concern: Concern, by: User, agency: str, agency_name: str, reference: str, what: str, basis: str, why: str
) -> Disclosure:
    """A referral is information leaving the organisation: record it as a disclosure (issue 3's sharing rules).

    With the person's consent to the referral (recorded with the concern) it is a disclosure under that consent;
    without it, it is a disclosure under the risk-of-harm exception, queued for review like any other.
    """
    recipient = f"{Referral.Agency(agency).label}{f' ({agency_name})' if agency_name else ''}"
    disclosure = record_disclosure(
        person=concern.person,
        purpose=_referral_purpose(),
        recipient=recipient,
        content_kinds=[ContentKind.SAFEGUARDING_REFERRAL],
        content={
            "safeguarding_referral": {"what_was_shared": what, "reference": reference, "concern": concern.pk}
        },
        shared_by=by,
        legal_basis=Disclosure.LegalBasis.RISK_OF_HARM
        if basis == Referral.Basis.RISK_OF_HARM
        else Disclosure.LegalBasis.REFERRAL_CONSENT,
        justification=why if basis == Referral.Basis.RISK_OF_HARM else "",
    )
    if basis == Referral.Basis.RISK_OF_HARM:
        queue_exception_review(disclosure=disclosure, reason=EmergencyAccess.Reason.SAFEGUARDING)
    return disclosure


@transaction.atomic
def change_referral_review(*, concern: Concern, by: User, review_on: dt.date) -> Concern:
    """Move the day to review a referral (it is the concern's deadline while it is referred)."""
    locked = _lock(concern, (State.REFERRED,), "given a new referral review date")
    if review_on < timezone.localdate():
        raise ConcernError("review_in_the_past", "Choose a review date from today onwards.")
    locked.referral_review_on = review_on
    locked.due_at = _deadline_in(locked)
    locked.save(update_fields=Concern.WORKFLOW_FIELDS)
    ConcernEvent.objects.create(
        concern=locked,
        by=by,
        kind=Kind.NOTE,
        from_state=locked.state,
        to_state=locked.state,
        note=f"Review the referral on {formats.date_format(review_on)}.",
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        actor=by,
        reason=Reason("referral review date changed"),
    )
    concern.referral_review_on, concern.due_at = locked.referral_review_on, locked.due_at
    return locked


@transaction.atomic
def decide_no_further_action(*, concern: Concern, by: User, rationale: str) -> Concern:
    """Decide that no referral is needed, and say why."""
    rationale = _require(rationale, "no_rationale", "Give the reason no further action is needed.")
    return _take_step(concern, NO_FURTHER_ACTION, by=by, note=rationale)


@transaction.atomic
def close_concern(
    *, concern: Concern, by: User, outcome: str, persons_views: str, wanted_achieved: str
) -> ConcernClosure:
    """Close a concern with its outcome in the person's voice, signed off by someone other than who raised it."""
    if concern.raised_by_id == by.pk:
        raise ConcernError(
            "same_person", "Someone other than the person who raised this concern must sign it off."
        )
    outcome = _require(outcome, "no_outcome", "Say what the outcome was.")
    persons_views = _require(persons_views, "no_views", "Say what the person thinks of the outcome.")
    locked = _take_step(concern, CLOSE, by=by, note=outcome)
    return ConcernClosure.objects.create(
        concern=locked,
        outcome=outcome,
        persons_views=persons_views,
        wanted_achieved=wanted_achieved,
        signed_off_by=by,
    )


@transaction.atomic
def add_to_chronology(*, concern: Concern, by: User, note: str, correction: bool = False) -> ConcernEvent:
    """Add an update or a correction. Concerns are never edited: this is how a mistake is put right."""
    note = _require(note, "no_note", "Write the update or correction.")
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    event = ConcernEvent.objects.create(
        concern=locked,
        by=by,
        kind=Kind.CORRECTION if correction else Kind.NOTE,
        from_state=locked.state,
        to_state=locked.state,
        note=note,
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        actor=by,
        reason=Reason("correction") if correction else Reason("update"),
    )
    return event


# ---- Escalation --------------------------------------------------------------------------------------------------


def escalate_overdue(*, now: dt.datetime | None = None) -> list[ConcernEscalation]:
    """Send every concern past its deadline one level up, and tell that level. Safe to run at any time.

    Each concern is escalated in its own transaction, on a row lock that other sweeps skip, after checking
    again that it is still due; a unique row per (concern, level) backs this up. So a second sweep at the same
    moment escalates nothing more, and two sweeps at once escalate each concern once.
    """
    now = now or timezone.now()
    due = list(
        Concern.objects.due_for_escalation(now).order_by("next_escalation_at").values_list("pk", flat=True)
    )
    escalations = []
    for pk in due:
        escalation = _escalate_one(pk, now)
        if escalation is not None:
            escalations.append(escalation)
    return escalations


@transaction.atomic
def _escalate_one(pk: int, now: dt.datetime) -> ConcernEscalation | None:
    concern = (
        Concern.objects.due_for_escalation(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("person__practitioner", "raised_by", "urgency")
        .filter(pk=pk)
        .first()
    )
    if concern is None:  # another sweep has it, or has just escalated it
        return None
    level = concern.escalation_level + 1
    missed = "acknowledge" if concern.state == State.RAISED else "act"
    recipients = {user.pk: user for user in escalation_recipients(concern, level)}
    try:
        with transaction.atomic():
            escalation = ConcernEscalation.objects.create(
                concern=concern, level=level, missed=missed, escalated_at=now, notified=len(recipients)
            )
    except IntegrityError:  # a concurrent sweep got there first
        return None
    concern.escalation_level = level
    concern.next_escalation_at = working_time.add_working_hours(
        now, concern.urgency.escalate_again_after_hours
    )
    concern.save(update_fields=Concern.WORKFLOW_FIELDS)
    label = Concern.Escalation(level).label.lower()
    what = "acknowledged" if missed == "acknowledge" else "acted on"
    ConcernEvent.objects.create(
        concern=concern,
        at=now,
        kind=Kind.ESCALATED,
        from_state=concern.state,
        to_state=concern.state,
        note=f"Not {what} by {_when(concern.due_at)}: escalated to {label}.",
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=concern,
        person_id=concern.person_id,
        reason=Reason("escalated to level {level} (missed the acknowledge deadline)", level=level)
        if missed == "acknowledge"
        else Reason("escalated to level {level} (missed the act deadline)", level=level),
        actor_username="escalation sweep",
    )
    notify(
        recipients=recipients.values(),
        title=f"Overdue safeguarding concern escalated to you: not {what} in time",
        body=f"Concern {concern.pk} was due to be {what} by {_when(concern.due_at)}. It has been escalated to {label}.",
        url=concern_url(concern),
        about=concern,
    )
    return escalation


def escalation_recipients(concern: Concern, level: int) -> list[User]:
    """Who an escalation to `level` goes to. A level with nobody in it falls through to the admins."""
    if level == Concern.Escalation.SUPERVISOR:
        people = _supervisors_of(concern)
    elif level == Concern.Escalation.LEADS:
        people = list(User.objects.safeguarding_leads())
    else:
        people = []
    return people or list(User.objects.admins())
