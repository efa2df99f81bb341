"""Who may see and manage consent records, disclosures and the admins' people directory.

The same rules as sessions.access: a record the user may not see is a 404, exactly like one that does not exist;
a user who may read but not change gets a 403. Reads are audited as views, refusals as denials.

- Admins manage every consent and may find anyone in the people directory (which shows no session notes).
- A practitioner manages the consents of people on their caseload.
- A supervisor reads the consents of their supervisees' people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from ethics import audit
from ethics.models import AuditEvent, Consent, Disclosure
from sessions.access import can_write_person
from sessions.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from chime.models import User


def consent_people_for(user: User) -> PersonQuerySet:
    """People whose consents this user may read."""
    if user.is_authenticated and user.is_active and user.is_org_admin:
        return Person.objects.all()
    return Person.objects.visible_to(user)


def can_manage_consent(user: User, person: Person) -> bool:
    """Record, renew, withdraw and share: admins for anyone, practitioners for their own caseload."""
    return (user.is_active and user.is_org_admin) or can_write_person(user, person)


def can_read_sessions(user: User, person: Person) -> bool:
    """Session notes are need-to-know: admins manage consent without reading them."""
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


def get_consent_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    """The person with this id, for their consent pages (with write=True: to record, change or share)."""
    person = consent_people_for(user).select_related("practitioner").filter(pk=pk).first()
    if person is None:
        _refuse(Person, pk, person_id=pk if Person.objects.filter(pk=pk).exists() else None)
        raise Http404("No such person.")
    if write and not can_manage_consent(user, person):
        _refuse(Person, pk, person_id=person.pk, forbidden=True)
        raise PermissionDenied("Only the person's practitioner or an admin can change their consents.")
    audit.record(AuditEvent.Action.VIEW, object_type="consents", object_id=person.pk, person_id=person.pk)
    return person


def get_consent_for(user: User, pk: int, *, write: bool = False) -> Consent:
    """One consent version, if `user` may read it (and, with write=True, renew or withdraw it)."""
    consent = (
        Consent.objects.visible_to(user)
        .select_related("person", "person__practitioner", "purpose", "wording", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if consent is None:
        owner = Consent.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        _refuse(Consent, pk, person_id=owner)
        raise Http404("No such consent.")
    if write and not can_manage_consent(user, consent.person):
        _refuse(Consent, pk, person_id=consent.person_id, forbidden=True)
        raise PermissionDenied("Only the person's practitioner or an admin can change their consents.")
    if not write:
        audit.record(AuditEvent.Action.VIEW, obj=consent, person_id=consent.person_id)
    return consent


def get_disclosure_for(user: User, pk: int) -> Disclosure:
    """A disclosure and its pack, if `user` may read the person's consent records."""
    disclosure = (
        Disclosure.objects.visible_to(user)
        .select_related("person", "purpose", "consent", "shared_by")
        .filter(pk=pk)
        .first()
    )
    if disclosure is None:
        owner = Disclosure.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        _refuse(Disclosure, pk, person_id=owner)
        raise Http404("No such disclosure.")
    audit.record(AuditEvent.Action.VIEW, obj=disclosure, person_id=disclosure.person_id)
    return disclosure


def expiring_consents_for(user: User) -> list[Consent]:
    """The renewal list: consents ending within 30 days, for everyone whose consents this user may read."""
    audit.record(AuditEvent.Action.VIEW, object_type="expiring consents")
    return list(Consent.objects.visible_to(user).expiring())


def people_directory_for(user: User, search: str = "") -> PersonQuerySet:
    """Admins only: find people by name to manage their consent. Names, practitioner and dates; no notes."""
    if not (user.is_authenticated and user.is_active and user.is_org_admin):
        audit.record(
            AuditEvent.Action.DENIED,
            object_type="people directory",
            outcome=AuditEvent.Outcome.DENIED,
            reason="admins only",
        )
        raise Http404("No such page.")
    audit.record(AuditEvent.Action.VIEW, object_type="people directory")
    people = Person.objects.all()
    if search.strip():
        people = people.filter(preferred_name__icontains=search.strip())
    return (
        people.select_related("practitioner")
        .only("preferred_name", "pronouns", "support_started", "support_ended", "practitioner")
        .annotate(
            active_consents=Count(
                "consents",
                filter=Q(
                    consents__superseded_by__isnull=True,
                    consents__status=Consent.Status.GIVEN,
                    consents__expires_on__gt=timezone.localdate(),
                ),
            )
        )
        .order_by("preferred_name", "pk")
    )


def _refuse(model: type, pk: int, *, person_id: int | None, forbidden: bool = False) -> None:
    audit.record(
        AuditEvent.Action.DENIED,
        object_type=model._meta.label,
        object_id=pk,
        person_id=person_id,
        outcome=AuditEvent.Outcome.DENIED,
        reason="read-only access" if forbidden else "not visible to this user",
    )
