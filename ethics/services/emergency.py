"""The risk-of-harm exception to confidentiality: declare, use for a short time, and have it reviewed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chime import audit
from chime.accounts.staff import StaffError, check_second_person
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from chime.services import notify
from ethics.models import Disclosure, EmergencyAccess, EmergencySearch, SharingPurpose

if TYPE_CHECKING:
    from sessions.models import Person, SupportSession

MIN_JUSTIFICATION = 20
MIN_NAME = 2


class EmergencyError(RuleBroken):
    """An emergency-access rule was broken."""


def _check_declaration(user: User, justification: str) -> None:
    if not (user.is_practitioner or user.is_supervisor or user.is_org_admin):
        raise EmergencyError(
            "no_role", "Only practitioners, supervisors and admins can use emergency access."
        )
    if len(justification.strip()) < MIN_JUSTIFICATION:
        raise EmergencyError("no_justification", "Explain the risk and why you need the record now.")


@transaction.atomic
def declare_emergency_search(
    *, user: User, name_sought: str, reason: str, justification: str
) -> EmergencySearch:
    """Record who is being looked for (as typed), what the risk is and why, before anything shows whether that
    person is supported here or by whom. Kept, and audited, whether or not anyone matches."""
    _check_declaration(user, justification)
    if len(name_sought.strip()) < MIN_NAME:
        raise EmergencyError(
            "no_name", "Type at least two letters of the name of the person you are looking for."
        )
    search = EmergencySearch.objects.create(
        user=user,
        name_sought=name_sought.strip(),
        reason=reason,
        justification=justification.strip(),
        declared_at=timezone.now(),
    )
    # The name and the justification stay on the declaration; the audit row points at it.
    audit.record(
        AuditEvent.Action.EMERGENCY_ACCESS,
        obj=search,
        actor=user,
        reason=Reason(
            "declared before looking anyone up: {reason}", reason=EmergencyAccess.Reason(search.reason)
        ),
    )
    return search


@transaction.atomic
def open_emergency_access(*, search: EmergencySearch, person: Person) -> EmergencyAccess:
    """Open the record of the person picked from a declaration's matches: one record per declaration, picked
    within `EmergencySearch.PICK_WITHIN` of declaring. The access layer checks that `person` is a match."""
    search = EmergencySearch.objects.select_for_update().get(pk=search.pk)
    if EmergencyAccess.objects.filter(search=search).exists():
        raise EmergencyError(
            "already_used", "This declaration has already opened a record. Declare again for anyone else."
        )
    if search.declared_at <= timezone.now() - EmergencySearch.PICK_WITHIN:
        raise EmergencyError("declaration_expired", "This declaration has expired. Please declare again.")
    return declare_emergency_access(
        user=search.user,
        person=person,
        reason=search.reason,
        justification=search.justification,
        search=search,
    )


@transaction.atomic
def declare_emergency_access(
    *, user: User, person: Person, reason: str, justification: str, search: EmergencySearch | None = None
) -> EmergencyAccess:
    """Open `person`'s record to `user` for a limited time, tell the people who must know, and queue a review.

    Pages reach it only through `open_emergency_access`, after a declaration (`declare_emergency_search`)."""
    _check_declaration(user, justification)
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        search=search,
        user=user,
        person=person,
        reason=reason,
        justification=justification.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(minutes=settings.CHIME_EMERGENCY_ACCESS_MINUTES),
    )
    audit.record(
        AuditEvent.Action.EMERGENCY_ACCESS,
        obj=grant,
        person_id=person.pk,
        actor=user,
        reason=Reason(
            "{reason}", reason=EmergencyAccess.Reason(grant.reason)
        ),  # the justification stays on the grant
    )
    notify(
        recipients=_who_must_know(person, user),
        title="Emergency access to a record was used and needs review",
        body=f"{user.name} declared: {grant.get_reason_display()}.",
        url=reverse("emergency-review", args=[grant.pk]),
    )
    return grant


def _who_must_know(person: Person, user: User) -> list[User]:
    supervisor = person.practitioner.supervisor
    admins = list(User.objects.filter(is_org_admin=True, is_active=True))
    people = [*admins, *([supervisor] if supervisor else [])]
    return [someone for someone in people if someone.pk != user.pk]


def review_emergency_access(*, grant: EmergencyAccess, reviewer: User, outcome: str, notes: str = "") -> None:
    """Close the review of an emergency use. A true second person (chime.accounts.staff.check_second_person: not
    the user who acted, nor an account they set up) must do it, once."""
    try:
        check_second_person(
            approver=reviewer,
            requester=grant.user,
            requested_at=grant.started_at,
            roles=("is_org_admin", "is_supervisor"),
            about=grant,
            person_id=grant.person_id,
        )
    except StaffError as error:
        raise EmergencyError(error.code, str(error)) from error
    _close_review(grant=grant, reviewer=reviewer, outcome=outcome, notes=notes)


@transaction.atomic
def _close_review(*, grant: EmergencyAccess, reviewer: User, outcome: str, notes: str) -> None:
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise EmergencyError("already_reviewed", "This emergency access has already been reviewed.")
    grant.reviewed_by, grant.reviewed_at = reviewer, timezone.now()
    grant.review_outcome, grant.review_notes = outcome, notes.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_notes"])
    audit.record(
        AuditEvent.Action.REVIEW,
        obj=grant,
        person_id=grant.person_id,
        actor=reviewer,
        reason=Reason(
            "emergency access review: {outcome}", outcome=EmergencyAccess.Outcome(grant.review_outcome)
        ),
    )


@transaction.atomic
def share_under_risk_of_harm(
    *,
    person: Person,
    purpose: SharingPurpose,
    recipient: str,
    content_kinds: list[str],
    shared_by: User,
    reason: str,
    justification: str,
    sessions: list[SupportSession] | None = None,
) -> Disclosure:
    """Share without consent because someone is at risk of harm: recorded as a disclosure under the exception,
    notified to the supervisor and admins, and queued for review by someone else."""
    from ethics.services.sharing import build_pack, check_share_request, record_disclosure

    if len(justification.strip()) < MIN_JUSTIFICATION:
        raise EmergencyError(
            "no_justification", "Explain the risk of harm and why it cannot wait for consent."
        )
    kinds = list(dict.fromkeys(content_kinds))
    check_share_request(person, kinds, sessions or [], shared_by)
    disclosure = record_disclosure(
        person=person,
        purpose=purpose,
        recipient=recipient.strip(),
        content_kinds=kinds,
        content=build_pack(person, kinds, sessions or []),
        shared_by=shared_by,
        legal_basis=Disclosure.LegalBasis.RISK_OF_HARM,
        justification=justification.strip(),
    )
    queue_exception_review(disclosure=disclosure, reason=reason)
    return disclosure


def queue_exception_review(*, disclosure: Disclosure, reason: str) -> EmergencyAccess:
    """A disclosure made without consent under the risk-of-harm exception: tell who must know, and queue its review."""
    now = timezone.now()
    grant = EmergencyAccess.objects.create(
        kind=EmergencyAccess.Kind.SHARE,
        disclosure=disclosure,
        user=disclosure.shared_by,
        person=disclosure.person,
        reason=reason,
        justification=disclosure.justification,
        started_at=now,
        expires_at=now + dt.timedelta(seconds=1),  # a share opens nothing: it is over once recorded
    )
    notify(
        recipients=_who_must_know(disclosure.person, disclosure.shared_by),
        title="Information was shared without consent under the risk-of-harm exception",
        body=f"{disclosure.shared_by.name} declared: {grant.get_reason_display()}. It needs review.",
        url=reverse("emergency-review", args=[grant.pk]),
    )
    return grant
