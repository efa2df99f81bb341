"""Who may use and review the emergency exception. Like sessions.access: 404 for 'not yours'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ethics import audit
from ethics.models import AuditEvent, EmergencyAccess, ErasureRequest, SubjectAccessRequest
from sessions.models import Person

if TYPE_CHECKING:
    from chime.models import User

EMERGENCY_SEARCH_LIMIT = 20


def can_declare_emergency(user: User) -> bool:
    return user.is_active and (user.is_practitioner or user.is_supervisor or user.is_org_admin)


def find_people_for_emergency(user: User, name: str) -> list[Person]:
    """Just enough to pick the right person (name, practitioner, start date), for staff who may declare."""
    if not can_declare_emergency(user) or len(name.strip()) < 2:
        return []
    audit.record(AuditEvent.Action.VIEW, object_type="emergency_search")
    matches = Person.objects.filter(preferred_name__icontains=name.strip()).select_related("practitioner")
    return list(matches.order_by("preferred_name", "pk")[:EMERGENCY_SEARCH_LIMIT])


def get_person_for_emergency(user: User, pk: int) -> Person:
    person = (
        Person.objects.select_related("practitioner").filter(pk=pk).first()
        if can_declare_emergency(user)
        else None
    )
    if person is None:
        raise Http404("No such person.")
    return person


def active_emergency_for(user: User, person: Person) -> EmergencyAccess | None:
    """The emergency grant through which `user` sees `person` now, if that is how they see them."""
    return EmergencyAccess.objects.active_for(user).filter(person=person).order_by("-expires_at").first()


def get_emergency_for_review(user: User, pk: int, *, write: bool = False) -> EmergencyAccess:
    """An emergency use this user may look at: their own (read-only) or one they may review."""
    grant = EmergencyAccess.objects.for_review_queue(user).filter(pk=pk).first()
    own = grant is None and EmergencyAccess.objects.filter(pk=pk, user=user).select_related("person").first()
    if grant is None and not own:
        raise Http404("No such emergency access.")
    if own and write:
        raise PermissionDenied("Someone else must review your own emergency access.")
    found = grant or own
    audit.record(AuditEvent.Action.VIEW, obj=found, person_id=found.person_id)
    return found


def require_admin(user: User) -> None:
    # Data-subject requests are admins' work. Everyone else is answered as if the page did not exist.
    if not (user.is_active and user.is_org_admin):
        raise Http404("Not found.")


def get_person_for_admin(user: User, pk: int) -> Person:
    """A person's record as admins manage it: identity and dates, never session notes."""
    require_admin(user)
    person = Person.objects.select_related("practitioner").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    audit.record(
        AuditEvent.Action.VIEW,
        object_type="support.Person",
        object_id=person.pk,
        person_id=person.pk,
        reason="data-subject rights page",
    )
    return person


def get_access_request_for(user: User, pk: int) -> SubjectAccessRequest:
    require_admin(user)
    request = SubjectAccessRequest.objects.select_related("person").filter(pk=pk).first()
    if request is None:
        raise Http404("No such request.")
    return request


def get_erasure_request_for(user: User, pk: int) -> ErasureRequest:
    require_admin(user)
    request = ErasureRequest.objects.select_related("person", "decided_by").filter(pk=pk).first()
    if request is None:
        raise Http404("No such request.")
    return request


def read_audit_about(user: User, person: Person) -> object:
    """'Who has seen my record'. Reading the audit trail is itself audited."""
    require_admin(user)
    audit.record(
        AuditEvent.Action.AUDIT_READ, object_type="support.Person", object_id=person.pk, person_id=person.pk
    )
    return AuditEvent.objects.about_person(person.pk)


def admin_directory(user: User, name: str) -> list[Person]:
    require_admin(user)
    if len(name.strip()) < 2:
        return []
    return list(Person.objects.for_admin_directory(name)[:50])
