"""Who may see and change people and their sessions. Views fetch confidential records only through here.

A record the user may not see is answered exactly like a record that does not exist (404), so a refusal never
confirms that someone is supported here. A user who may read a record but not change it gets a 403.
Every read through these helpers is audited as a view, and every refusal of an existing record as a denial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from chime import audit
from chime.models import AuditEvent
from sessions.models import Person, PersonQuerySet, SupervisionRecord, SupportSession

if TYPE_CHECKING:
    from chime.models import User


def get_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    """The person with this id, if `user` may read their record (and, with write=True, add to it)."""
    person = Person.objects.visible_to(user).select_related("practitioner").filter(pk=pk).first()
    if person is None:
        audit.record_denial(Person, pk, person_id=pk if Person.objects.filter(pk=pk).exists() else None)
        raise Http404("No such person.")
    if write and not can_write_person(user, person):
        audit.record_denial(Person, pk, person_id=person.pk, forbidden=True)
        raise PermissionDenied("Only the person's practitioner can change their record.")
    if not write:
        audit.record(AuditEvent.Action.VIEW, obj=person, person_id=person.pk)
    return person


def get_session_for(user: User, pk: int, *, write: bool = False) -> SupportSession:
    """The session with this id, if `user` may read it (and, with write=True, edit it)."""
    session = (
        SupportSession.objects.visible_to(user)
        .select_related("person", "practitioner", "person__practitioner", "review", "review__reviewer")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        owner = SupportSession.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        audit.record_denial(SupportSession, pk, person_id=owner)
        raise Http404("No such session.")
    if write and not can_edit_session(user, session):
        audit.record_denial(SupportSession, pk, person_id=session.person_id, forbidden=True)
        raise PermissionDenied("Only the practitioner who logged a session can edit it.")
    if not write:
        audit.record(AuditEvent.Action.VIEW, obj=session, person_id=session.person_id)
    return session


def emergency_grant_for(user: User, person: Person) -> object | None:
    """When `user` sees `person` only through a declared emergency, the grant (for the page's banner)."""
    if person.practitioner_id == user.pk or supervises(user, person):
        return None
    from ethics.access import active_emergency_for

    return active_emergency_for(user, person)


def supervises(user: User, person: Person) -> bool:
    """Whether `user` supervises the person's practitioner: they read the record, and may move the person."""
    return user.is_supervisor and person.practitioner.supervisor_id == user.pk


def can_write_person(user: User, person: Person) -> bool:
    return user.is_practitioner and person.practitioner_id == user.pk


def can_edit_session(user: User, session: SupportSession) -> bool:
    return can_write_person(user, session.person) and session.practitioner_id == user.pk


def caseload_for(user: User, practitioner: User | None = None) -> PersonQuerySet:
    """The caseload page's people: the user's own, or (for a supervisor) a supervisee's. Audited as one view."""
    owner = practitioner or user
    audit.record(AuditEvent.Action.VIEW, object_type="caseload", object_id=owner.pk)
    return Person.objects.visible_to(user).filter(practitioner=owner).for_caseload()


def get_supervisee_for(user: User, pk: int) -> User:
    """A practitioner whose caseload this supervisor may review (read-only)."""
    from chime.models import User as UserModel

    supervisee = UserModel.objects.supervised_by(user).filter(pk=pk).first() if user.is_supervisor else None
    if supervisee is None:
        audit.record_denial(UserModel, pk, person_id=None)
        raise Http404("No such practitioner.")
    return supervisee


def can_review_session(user: User, session: SupportSession) -> bool:
    """Only the supervisor of the practitioner who logged the session reviews it."""
    return user.is_supervisor and session.practitioner.supervisor_id == user.pk


def get_session_to_review(user: User, pk: int) -> SupportSession:
    """A session this supervisor may review: 404 if they may not see it, 403 if they may see but not review it."""
    session = (
        SupportSession.objects.visible_to(user).select_related("person", "practitioner").filter(pk=pk).first()
    )
    if session is None:
        owner = SupportSession.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        audit.record_denial(SupportSession, pk, person_id=owner)
        raise Http404("No such session.")
    if not can_review_session(user, session):
        audit.record_denial(SupportSession, pk, person_id=session.person_id, forbidden=True)
        raise PermissionDenied("Only the practitioner's supervisor can review their sessions.")
    return session


def get_supervision_record_for(user: User, pk: int) -> SupervisionRecord:
    """A supervision record, for the supervisor and the practitioner who met, and nobody else. Audited."""
    record = (
        SupervisionRecord.objects.visible_to(user)
        .select_related("supervisor", "practitioner")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        audit.record_denial(SupervisionRecord, pk, person_id=None)
        raise Http404("No such supervision record.")
    audit.record(AuditEvent.Action.VIEW, obj=record)
    return record
