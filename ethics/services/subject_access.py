"""Subject access requests, from arrival to closing.

An admin records that a request arrived: who asked (the person, or someone acting for them with their authority),
how their identity was checked, and when it arrived (it is due one calendar month later). The data protection lead
then gathers the pack once, as a snapshot (`ethics.services.rights.gather_subject_access` decides what goes in it),
releases it once, and closes the request. Re-opening a closed request needs a reason, kept on its own record; a
pack gathered after that is a new snapshot, and the earlier one stays as the record of what was released.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from chime.services import notify
from ethics.models import SubjectAccessPack, SubjectAccessReopening, SubjectAccessRequest
from ethics.models.rights import one_calendar_month_after
from ethics.own_record import is_own_record
from ethics.services.rights import gather_subject_access

if TYPE_CHECKING:
    from sessions.models import Person

State = SubjectAccessRequest.State


class SubjectAccessError(RuleBroken):
    """A step of the subject access workflow was not allowed."""


def may_record(user: User) -> bool:
    """Admins take requests in (and a data protection lead who is also an admin)."""
    return user.is_active and user.is_org_admin


def may_handle(user: User) -> bool:
    """Only the data protection lead gathers, releases, closes and re-opens, and reads the pack."""
    return user.is_active and user.is_data_protection_lead


def _require_lead(user: User) -> None:
    if not may_handle(user):
        raise SubjectAccessError("not_lead", "Only the data protection lead can do this.")


def _locked(request: SubjectAccessRequest, *, expected: str, message: str) -> SubjectAccessRequest:
    locked = SubjectAccessRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if locked.state != expected:
        raise SubjectAccessError("wrong_state", message)
    return locked


@transaction.atomic
def record_subject_access_request(
    *,
    person: Person,
    recorded_by: User,
    identity_check: str,
    received_on: dt.date | None = None,
    requester: str = SubjectAccessRequest.Requester.PERSON,
    representative_name: str = "",
    representative_relationship: str = "",
    identity_note: str = "",
) -> SubjectAccessRequest:
    """Log a request for everything held about a person, and tell the data protection lead. It is due one calendar
    month after it arrived."""
    if not (may_record(recorded_by) or is_own_record(recorded_by, person)):
        raise SubjectAccessError("not_admin", "Only an admin can record a subject access request.")
    received = received_on or timezone.localdate()
    if received > timezone.localdate():
        raise SubjectAccessError("future", "A request cannot arrive in the future.")
    if identity_check not in SubjectAccessRequest.IdentityCheck.values:
        raise SubjectAccessError("no_identity_check", "Say how their identity was checked.")
    acting_for = requester == SubjectAccessRequest.Requester.REPRESENTATIVE
    if acting_for and not (representative_name.strip() and representative_relationship.strip()):
        raise SubjectAccessError("representative", "Give the name of who asked and how they are related.")
    request = SubjectAccessRequest.objects.create(
        person=person,
        received_on=received,
        due_on=one_calendar_month_after(received),
        recorded_by=recorded_by,
        requester=requester,
        representative_name=representative_name.strip() if acting_for else "",
        representative_relationship=representative_relationship.strip() if acting_for else "",
        identity_check=identity_check,
        identity_note=identity_note.strip(),
    )
    audit.record(AuditEvent.Action.CREATE, obj=request, person_id=person.pk, actor=recorded_by)
    notify(
        recipients=User.objects.data_protection_leads(),
        title="A subject access request has arrived",
        body=f"It is due by {date_format(request.due_on)}.",
        url=reverse("access-request", args=[request.pk]),
    )
    return request


@transaction.atomic
def gather_pack(*, request: SubjectAccessRequest, gathered_by: User) -> SubjectAccessPack:
    """Gather everything held about the person once, and keep it as this request's snapshot."""
    _require_lead(gathered_by)
    request = _locked(request, expected=State.RECEIVED, message="The pack has already been gathered.")
    report = gather_subject_access(request=request, gathered_by=gathered_by, as_format="snapshot")
    pack = SubjectAccessPack.objects.create(
        request=request,
        contents=json.dumps(report.as_json(), cls=DjangoJSONEncoder, indent=2),
        gathered_at=timezone.now(),
        gathered_by=gathered_by,
    )
    request.state = State.GATHERED
    request.save(update_fields=["state"])
    audit.record(AuditEvent.Action.CREATE, obj=pack, person_id=request.person_id, actor=gathered_by)
    return pack


@transaction.atomic
def release_pack(*, request: SubjectAccessRequest, released_by: User, how: str) -> SubjectAccessPack:
    """Record that the gathered pack went to whoever asked, and how. Once."""
    _require_lead(released_by)
    request = _locked(
        request, expected=State.GATHERED, message="There is no gathered pack waiting to be released."
    )
    pack = request.packs.select_for_update().order_by("-gathered_at", "-pk").first()
    pack.released_at, pack.released_by, pack.released_how = timezone.now(), released_by, how
    pack.save(update_fields=["released_at", "released_by", "released_how"])
    request.state = State.RELEASED
    request.save(update_fields=["state"])
    audit.record(
        AuditEvent.Action.EXPORT,
        obj=pack,
        person_id=request.person_id,
        actor=released_by,
        reason=Reason("released: {how}", how=SubjectAccessPack.HowSent(how)),
    )
    return pack


@transaction.atomic
def close_request(*, request: SubjectAccessRequest, closed_by: User) -> SubjectAccessRequest:
    """Close a request whose pack has been released."""
    _require_lead(closed_by)
    request = _locked(
        request, expected=State.RELEASED, message="Only a request whose pack was released can close."
    )
    request.state, request.closed_at, request.closed_by = State.CLOSED, timezone.now(), closed_by
    request.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=request,
        person_id=request.person_id,
        actor=closed_by,
        reason=Reason("closed"),
    )
    return request


@transaction.atomic
def reopen_request(
    *, request: SubjectAccessRequest, reopened_by: User, reason: str
) -> SubjectAccessReopening:
    """Open a closed request again (say something was missing), saying why. A new pack is gathered after this."""
    _require_lead(reopened_by)
    if not reason.strip():
        raise SubjectAccessError("no_reason", "Say why the request is being re-opened.")
    request = _locked(request, expected=State.CLOSED, message="Only a closed request can be re-opened.")
    reopening = SubjectAccessReopening.objects.create(
        request=request, reason=reason.strip(), reopened_by=reopened_by, reopened_at=timezone.now()
    )
    request.state, request.closed_at, request.closed_by = State.RECEIVED, None, None
    request.save(update_fields=["state", "closed_at", "closed_by"])
    audit.record(  # the reason stays on the re-opening, which this row points to
        AuditEvent.Action.UPDATE,
        obj=reopening,
        person_id=request.person_id,
        actor=reopened_by,
        reason=Reason("re-opened"),
    )
    return reopening
