"""Who may see and manage consent records, disclosures, emergency access and data-subject requests.

The same rules as sessions.access: a record the user may not see is a 404, exactly like one that does not exist;
a user who may read but not change gets a 403. Reads are audited as views, refusals as denials.

- Admins manage every consent, find anyone in the people directory (which shows no session notes), and handle
  data-subject requests.
- A practitioner manages the consents of people on their caseload.
- A supervisor reads the consents of their supervisees' people.
- Anyone with a role may declare emergency access; someone else reviews it.
- Safeguarding concerns: see the section below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from chime import audit
from chime.models import AuditEvent
from ethics.models import (
    Concern,
    Consent,
    Disclosure,
    EmergencyAccess,
    EmergencySearch,
    ErasureRequest,
    SubjectAccessRequest,
)
from ethics.models.safeguarding import ConcernQuerySet
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
        audit.record_denial(Person, pk, person_id=pk if Person.objects.filter(pk=pk).exists() else None)
        raise Http404("No such person.")
    if write and not can_manage_consent(user, person):
        audit.record_denial(Person, pk, person_id=person.pk, forbidden=True)
        raise PermissionDenied("Only the person's practitioner or an admin can change their consents.")
    audit.record(AuditEvent.Action.VIEW, object_type="consents", object_id=person.pk, person_id=person.pk)
    return person


def share_prefill(user: User, person: Person, consent_pk: str) -> dict[str, object]:
    """The share form's starting values from one of the person's consents, named by id: the recipient (who may
    be a named relative) is looked up here rather than carried in the URL."""
    consent = (
        Consent.objects.visible_to(user).filter(pk=consent_pk, person=person).first()
        if consent_pk.isdigit()
        else None
    )
    return {"purpose": consent.purpose_id, "recipient": consent.recipient} if consent else {}


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
        audit.record_denial(Consent, pk, person_id=owner)
        raise Http404("No such consent.")
    if write and not can_manage_consent(user, consent.person):
        audit.record_denial(Consent, pk, person_id=consent.person_id, forbidden=True)
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
        audit.record_denial(Disclosure, pk, person_id=owner)
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


EMERGENCY_SEARCH_LIMIT = 20


def can_declare_emergency(user: User) -> bool:
    return user.is_active and (user.is_practitioner or user.is_supervisor or user.is_org_admin)


def get_emergency_search_for(user: User, pk: int) -> EmergencySearch:
    """One of this user's own declarations, while it may still be used to pick someone. 404 otherwise."""
    search = (
        EmergencySearch.objects.open_for(user).filter(pk=pk).first() if can_declare_emergency(user) else None
    )
    if search is None:
        audit.record_denial(EmergencySearch, pk, person_id=None)
        raise Http404("No such declaration.")
    return search


def emergency_matches(search: EmergencySearch) -> list[Person]:
    """Who matches a declaration: just enough to pick (name, start date), and each person shown is audited."""
    people = list(search.matches()[:EMERGENCY_SEARCH_LIMIT])
    _audit_people_shown(search, people)
    return people


def _audit_people_shown(search: EmergencySearch, people: list[Person]) -> None:
    # One row per person shown, so each one's "who has seen my record" lists this look-up. The one place to
    # switch to a row naming several people, when the audit trail has one.
    for person in people:
        audit.record(
            AuditEvent.Action.VIEW,
            obj=search,
            person_id=person.pk,
            reason="shown as a possible match for an emergency declaration",
        )


def get_person_for_emergency(search: EmergencySearch, pk: int) -> Person:
    """A person picked from a declaration's matches; anyone else is a 404, as if they did not exist."""
    person = search.matches().filter(pk=pk).first()
    if person is None:
        audit.record_denial(Person, pk, person_id=pk if Person.objects.filter(pk=pk).exists() else None)
        raise Http404("No such person.")
    return person


def active_emergency_for(user: User, person: Person) -> EmergencyAccess | None:
    """The emergency grant through which `user` sees `person` now, if that is how they see them."""
    return EmergencyAccess.objects.active_for(user).filter(person=person).order_by("-expires_at").first()


def require_reviewer(user: User) -> None:
    """Supervisors and admins review emergency access; for anyone else the review queue does not exist."""
    if not (user.is_active and (user.is_supervisor or user.is_org_admin)):
        raise Http404("Not found.")


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


# ---- Safeguarding ---------------------------------------------------------------------------------------------
#
# A concern is visible to: whoever raised it; the person's practitioner; the supervisor of either of them; every
# safeguarding lead; and the admins once it has been escalated to them. Those who may respond to it (acknowledge,
# plan, refer, decide, close) are the supervisors, the leads, and the admins once escalated to them.

NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another


def _responders_condition(user: User) -> Q:
    if user.is_safeguarding_lead:
        return EVERYTHING
    supervises = Q(person__practitioner__supervisor=user) | Q(raised_by__supervisor=user)
    condition = supervises if user.is_supervisor else NOTHING
    if user.is_org_admin:
        condition |= Q(escalation_level__gte=Concern.Escalation.ADMINS)
    return condition


def concerns_visible_to(user: User) -> ConcernQuerySet:
    if not user.is_authenticated or not user.is_active:
        return Concern.objects.none()
    involved = Q(raised_by=user) | Q(person__practitioner=user)
    return Concern.objects.filter(involved | _responders_condition(user))


def concerns_to_respond_to(user: User) -> ConcernQuerySet:
    """The queue: open concerns this user is one of the responders for."""
    if not may_see_queue(user):
        return Concern.objects.none()
    return Concern.objects.open().filter(_responders_condition(user))


def may_see_queue(user: User) -> bool:
    return user.is_active and (user.is_supervisor or user.is_safeguarding_lead or user.is_org_admin)


def can_respond(user: User, concern: Concern) -> bool:
    """Whether `user` may move this concern along its workflow. Mirrors _responders_condition."""
    if user.is_safeguarding_lead:
        return True
    if user.is_org_admin and concern.escalation_level >= Concern.Escalation.ADMINS:
        return True
    supervisors = {concern.person.practitioner.supervisor_id, concern.raised_by.supervisor_id}
    return user.is_supervisor and user.pk in supervisors


def can_sign_off(user: User, concern: Concern) -> bool:
    """Closing needs a responder who is not the person who raised the concern."""
    return can_respond(user, concern) and concern.raised_by_id != user.pk


def get_concern_for(user: User, pk: int, *, respond: bool = False) -> Concern:
    """The concern with this id, if `user` may see it (and, with respond=True, act on it). Audited."""
    concern = (
        concerns_visible_to(user)
        .select_related("person", "person__practitioner", "raised_by", "urgency", "session")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        person_id = Concern.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        audit.record_denial(Concern, pk, person_id=person_id)
        raise Http404("No such concern.")
    if respond and not can_respond(user, concern):
        audit.record_denial(Concern, pk, person_id=concern.person_id, forbidden=True)
        raise PermissionDenied("Only a supervisor or a safeguarding lead can respond to a concern.")
    if not respond:
        audit.record(AuditEvent.Action.VIEW, obj=concern, person_id=concern.person_id)
    return concern


def open_concerns_about(user: User, person: Person) -> list[Concern]:
    """The open concerns about this person that the user may see: the flag on the person's page. One query."""
    return list(
        concerns_visible_to(user).open().filter(person=person).select_related("urgency").order_by("pk")
    )
