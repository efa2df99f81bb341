"""Who may see and manage consent records, disclosures, emergency access and data-subject requests.

The same rules as sessions.access, applied by the same helper (chime.access.fetch_for): a record the user may not
see is a 404, exactly like one that does not exist; a user who may read but not change gets a 403. Reads are audited
as views, refusals as denials, and every list as one view naming each person it shows (chime.access.audit_list).

- Admins manage every consent, find anyone in the people directory (which shows no session notes), record
  data-subject requests and decide erasure.
- The data protection lead gathers, releases and closes subject access packs, and alone reads them.
- A practitioner manages the consents of people on their caseload.
- A supervisor reads the consents of their supervisees' people.
- Practitioners, supervisors and admins may declare emergency access (chime.access.may_declare_emergency, which
  the menu asks too); someone else reviews it.
- Safeguarding concerns: see the section below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from chime import access as core
from chime import audit
from chime.audit import Reason
from chime.models import AuditEvent
from chime.notices import Notice
from ethics.filters import ConcernFilter
from ethics.models import (
    Concern,
    Consent,
    Disclosure,
    EmergencyAccess,
    EmergencySearch,
    ErasureRequest,
    RecordChangeRequest,
    SubjectAccessPack,
    SubjectAccessRequest,
)
from ethics.models.safeguarding import ConcernQuerySet
from sessions.access import can_write_person
from sessions.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from chime.models import User


def consent_people_for(user: User) -> PersonQuerySet:
    """People whose consents this user may read."""
    if core.is_admin(user):
        return Person.objects.all()
    return Person.objects.visible_to(user)


def can_manage_consent(user: User, person: Person) -> bool:
    """Record, renew, withdraw and share: admins for anyone, practitioners for their own caseload."""
    return core.is_admin(user) or can_write_person(user, person)


def can_read_sessions(user: User, person: Person) -> bool:
    """Session notes are need-to-know: admins manage consent without reading them."""
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


def get_consent_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    """The person with this id, for their consent pages (with write=True: to record, change or share)."""
    return core.fetch_for(
        user,
        consent_people_for(user).select_related("practitioner"),
        pk,
        write=write,
        may_write=can_manage_consent,
        person="pk",
        not_found="No such person.",
        read_only="Only the person's practitioner or an admin can change their consents.",
        view_as="consents",
    )


def share_prefill(user: User, person: Person, consent_pk: str) -> dict[str, object]:
    """The share form's starting values from one of the person's consents, named by id: the recipient (who may
    be a named relative) is looked up here rather than carried in the URL. Read through the access layer (audited);
    an id that is not one of this person's consents the user may see just leaves the form empty."""
    if not consent_pk.isdigit():
        return {}
    consents = Consent.objects.visible_to(user).filter(person=person)
    try:
        consent = core.fetch_for(user, consents, int(consent_pk), not_found="No such consent.")
    except Http404:
        return {}
    return {"purpose": consent.purpose_id, "recipient": consent.recipient}


def get_consent_for(user: User, pk: int, *, write: bool = False) -> Consent:
    """One consent version, if `user` may read it (and, with write=True, renew or withdraw it)."""
    return core.fetch_for(
        user,
        Consent.objects.visible_to(user).select_related(
            "person", "person__practitioner", "purpose", "wording", "recorded_by"
        ),
        pk,
        write=write,
        may_write=lambda user, consent: can_manage_consent(user, consent.person),
        not_found="No such consent.",
        read_only="Only the person's practitioner or an admin can change their consents.",
    )


def get_disclosure_for(user: User, pk: int) -> Disclosure:
    """A disclosure and its pack, if `user` may read the person's consent records."""
    disclosures = Disclosure.objects.visible_to(user).select_related(
        "person", "purpose", "consent", "shared_by"
    )
    return core.fetch_for(user, disclosures, pk, not_found="No such disclosure.")


def expiring_consents_for(user: User) -> list[Consent]:
    """The renewal list: consents ending within 30 days, for everyone whose consents this user may read.
    Audited as one view naming each person listed."""
    return core.audit_list("expiring consents", Consent.objects.visible_to(user).expiring())


def people_directory_for(user: User, search: str = "") -> PersonQuerySet:
    """Admins only: find people by name to manage their consent. Names, practitioner and dates; no notes.
    Not yet shown: the page audits the rows it shows with `audit_directory`."""
    core.require(user, core.is_admin(user), page="people directory")
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


def audit_directory(rows: object) -> list[Person]:
    """The directory's page or search results, evaluated and audited naming each person shown."""
    return core.audit_list("people directory", rows, person="pk")


EMERGENCY_SEARCH_LIMIT = 20


def can_declare_emergency(user: User) -> bool:
    return core.may_declare_emergency(user)


def require_declarer(user: User) -> None:
    """The emergency search is for the roles the menu offers it to (chime.access.may_declare_emergency); for
    anyone else it is a 403, as before: the page's existence is no secret."""
    core.require(
        user,
        can_declare_emergency(user),
        page="emergency access",
        forbidden=True,
        message="Your role cannot use emergency access.",
    )


def get_emergency_search_for(user: User, pk: int) -> EmergencySearch:
    """One of this user's own declarations, while it may still be used to pick someone. 404 otherwise."""
    searches = (
        EmergencySearch.objects.open_for(user)
        if can_declare_emergency(user)
        else EmergencySearch.objects.none()
    )
    # Not audited as a view: the matches it shows are (one row naming each), and the declaration was when made.
    return core.fetch_for(user, searches, pk, person=None, not_found="No such declaration.", audit_view=False)


def emergency_matches(search: EmergencySearch) -> list[Person]:
    """Who matches a declaration: just enough to pick (name, start date), and each person shown is audited."""
    people = list(search.matches()[:EMERGENCY_SEARCH_LIMIT])
    _audit_people_shown(search, people)
    return people


def _audit_people_shown(search: EmergencySearch, people: list[Person]) -> None:
    # One row naming everyone shown, so each one's "who has seen my record" lists this look-up.
    audit.record_list_view("emergency matches", people=[person.pk for person in people], object_id=search.pk)


def get_person_for_emergency(search: EmergencySearch, pk: int) -> Person:
    """A person picked from a declaration's matches; anyone else is a 404, as if they did not exist. Opening the
    record is audited as emergency access (ethics.services.emergency)."""
    return core.fetch_for(
        search.user, search.matches(), pk, person="pk", not_found="No such person.", audit_view=False
    )


def active_emergency_for(user: User, person: Person) -> EmergencyAccess | None:
    """The emergency grant through which `user` sees `person` now, if that is how they see them."""
    return EmergencyAccess.objects.active_for(user).filter(person=person).order_by("-expires_at").first()


def require_reviewer(user: User) -> None:
    """Supervisors and admins review emergency access; for anyone else the review queue does not exist."""
    core.require(user, core.may_review_emergencies(user), page="emergency reviews")


def emergency_review_queue(user: User) -> tuple[list[EmergencyAccess], list[EmergencyAccess]]:
    """The uses awaiting review, and the last 50 reviewed: audited as one view naming each person in either."""
    require_reviewer(user)
    queue = EmergencyAccess.objects.for_review_queue(user)
    awaiting = list(queue.awaiting_review().order_by("started_at"))
    done = list(queue.filter(reviewed_at__isnull=False)[:50])
    core.audit_list("emergency reviews", [*awaiting, *done])
    return awaiting, done


def get_emergency_for_review(user: User, pk: int, *, write: bool = False) -> EmergencyAccess:
    """An emergency use this user may look at: their own (read-only) or one they may review."""
    reviewable = EmergencyAccess.objects.for_review_queue(user)
    visible = EmergencyAccess.objects.filter(Q(pk__in=reviewable.values("pk")) | Q(user=user))
    return core.fetch_for(
        user,
        visible.select_related("user", "person", "person__practitioner"),
        pk,
        write=write,
        may_write=lambda user, grant: grant.user_id != user.pk,
        not_found="No such emergency access.",
        read_only="Someone else must review your own emergency access.",
    )


def require_admin(user: User) -> None:
    # Data-subject requests are admins' work. Everyone else is answered as if the page did not exist.
    core.require(user, core.is_admin(user), page="data-subject rights")


def get_person_for_admin(user: User, pk: int) -> Person:
    """A person's record as admins manage it: identity and dates, never session notes."""
    require_admin(user)
    return core.fetch_for(
        user,
        Person.objects.select_related("practitioner"),
        pk,
        person="pk",
        not_found="No such person.",
        reason=Reason("data-subject rights page"),
    )


def require_data_protection_lead(user: User) -> None:
    # Subject access packs are the data protection lead's work, not every admin's: for anyone else, no such page.
    if not (user.is_active and user.is_data_protection_lead):
        raise Http404("Not found.")


CLOSED_REQUESTS_SHOWN = 50  # the most recently closed requests under the open ones


def access_requests_for(user: User) -> tuple[list[SubjectAccessRequest], list[SubjectAccessRequest]]:
    """The data protection lead's lists: open requests, and the latest closed ones. One audit row names everyone."""
    require_data_protection_lead(user)
    requests = SubjectAccessRequest.objects.for_list()
    open_requests = list(requests.open())
    closed = list(requests.closed().order_by("-closed_at", "-pk")[:CLOSED_REQUESTS_SHOWN])
    core.audit_list("subject access requests", [*open_requests, *closed])
    return open_requests, closed


def get_access_request_for(user: User, pk: int) -> SubjectAccessRequest:
    """A subject access request with its steps, for the data protection lead. Audited."""
    require_data_protection_lead(user)
    requests = SubjectAccessRequest.objects.select_related("person", "recorded_by", "closed_by")
    return core.fetch_for(user, requests, pk, not_found="No such request.")


def get_access_pack_for(user: User, pk: int, *, download: bool = False) -> SubjectAccessPack:
    """A gathered pack (the snapshot, never live data), for the data protection lead. Reading it is audited as a
    view, downloading it as an export."""
    require_data_protection_lead(user)
    return core.fetch_for(
        user,
        SubjectAccessPack.objects.select_related("request__person", "gathered_by", "released_by"),
        pk,
        person="request.person_id",
        not_found="No such pack.",
        action=AuditEvent.Action.EXPORT if download else AuditEvent.Action.VIEW,
    )


def get_erasure_request_for(user: User, pk: int) -> ErasureRequest:
    require_admin(user)
    requests = ErasureRequest.objects.select_related("person", "decided_by")
    return core.fetch_for(user, requests, pk, not_found="No such request.")


def change_requests_for(user: User) -> tuple[list[RecordChangeRequest], list[RecordChangeRequest]]:
    """The data protection lead's queue of requests to correct or delete something: open ones soonest due first,
    then the latest answered. Two queries whatever the numbers; one audit row names everyone shown."""
    require_data_protection_lead(user)
    requests = RecordChangeRequest.objects.for_queue()
    open_requests = list(requests.open())
    answered = list(requests.closed().order_by("-decided_at", "-pk")[:CLOSED_REQUESTS_SHOWN])
    core.audit_list("correction and deletion requests", [*open_requests, *answered])
    return open_requests, answered


def get_change_request_for(user: User, pk: int) -> RecordChangeRequest:
    """A request to correct or delete something, for the data protection lead. Audited."""
    require_data_protection_lead(user)
    requests = RecordChangeRequest.objects.select_related("person", "session", "decided_by", "erasure")
    return core.fetch_for(user, requests, pk, not_found="No such request.")


def open_rights_requests(user: User) -> tuple[list[SubjectAccessRequest], list[ErasureRequest]]:
    """The data-subject requests still open: audited as one view naming each person they are about."""
    require_admin(user)
    access_requests = list(SubjectAccessRequest.objects.open().for_list())
    erasures = list(
        ErasureRequest.objects.exclude(decision__in=["refused", "carried_out"]).select_related("person")
    )
    core.audit_list("data-subject requests", [*access_requests, *erasures])
    return access_requests, erasures


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
    if not core.is_staff_member(user):
        return Concern.objects.none()
    involved = Q(raised_by=user) | Q(person__practitioner=user)
    return Concern.objects.filter(involved | _responders_condition(user))


def concerns_to_respond_to(user: User) -> ConcernQuerySet:
    """The queue: open concerns this user is one of the responders for."""
    if not may_see_queue(user):
        return Concern.objects.none()
    return Concern.objects.open().filter(_responders_condition(user))


def may_see_queue(user: User) -> bool:
    return core.may_see_safeguarding_queue(user)


def safeguarding_queue_for(user: User) -> list[Concern]:
    """The queue page: open concerns this user responds to, audited as one view naming each person."""
    core.require(
        user,
        may_see_queue(user),
        page="safeguarding queue",
        forbidden=True,
        message="The safeguarding queue is for supervisors and safeguarding leads.",
    )
    concerns = concerns_to_respond_to(user).for_list()
    return core.audit_list("safeguarding queue", concerns, object_id=user.pk)


def empty_queue_message(user: User) -> str:
    """Why this user's queue is empty, in words: which concerns reach them, and whether others are open elsewhere.
    Says nothing about whom those other concerns are about (one count-free existence query)."""
    if core.is_safeguarding_lead(user):
        return "No open concerns."
    reasons = []
    if core.is_supervisor(user):
        reasons.append("No open concerns about your supervisees’ people or raised by your supervisees.")
    if core.is_admin(user):
        reasons.append("No concerns have been escalated to the admins.")
    if Concern.objects.open().exists():
        reasons.append("Other open concerns are with supervisors and the safeguarding leads.")
    return " ".join(reasons)


SEARCH_LIMIT = 50


def may_find_concerns(user: User) -> bool:
    return core.is_safeguarding_lead(user)


def find_concerns_for(user: User, data: object | None) -> tuple[ConcernFilter, list[Concern]]:
    """Safeguarding leads find any concern, closed ones included (by default the closed ones), newest first and
    at most SEARCH_LIMIT. The rows shown are audited as one view naming each person."""
    core.require(
        user,
        may_find_concerns(user),
        page="find concerns",
        forbidden=True,
        message="Finding concerns is for safeguarding leads.",
    )
    concerns = (
        concerns_visible_to(user)
        .select_related("person", "urgency", "raised_by")
        .order_by("-raised_at", "-pk")
    )
    found = ConcernFilter(data or {"state": Concern.State.CLOSED}, queryset=concerns)
    rows = found.qs[:SEARCH_LIMIT] if found.is_valid() else []
    return found, core.audit_list("concern search", rows, object_id=user.pk)


def concerns_raised_by(user: User) -> list[Concern]:
    """The concerns this member of staff raised, audited as one view naming each person."""
    concerns = concerns_visible_to(user).filter(raised_by=user).for_list()
    return core.audit_list("concerns raised", concerns, object_id=user.pk)


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
    return core.fetch_for(
        user,
        concerns_visible_to(user).select_related(
            "person", "person__practitioner", "raised_by", "urgency", "session"
        ),
        pk,
        write=respond,
        may_write=can_respond,
        not_found="No such concern.",
        read_only="Only a supervisor or a safeguarding lead can respond to a concern.",
    )


def describe_concerns(user: User, ids: list[int]) -> dict[int, Notice]:
    """For the notifications inbox (chime.notices): about whom each concern is, where it stands now, and what is
    still asked of this reader. A name only when the reader may see the concern. One query."""
    concerns = (
        concerns_visible_to(user).filter(pk__in=ids).select_related("person__practitioner", "raised_by")
    )
    notices = {concern.pk: _notice(user, concern) for concern in concerns}
    hidden = Notice(about="someone whose concerns you cannot see now")
    return {pk: notices.get(pk, hidden) for pk in ids}


def _notice(user: User, concern: Concern) -> Notice:
    asked = concern.next_step if can_respond(user, concern) else ""
    if concern.state == Concern.State.NO_FURTHER_ACTION and not can_sign_off(user, concern):
        asked = ""
    return Notice(
        about=concern.person.preferred_name,
        now=f"Now: {concern.get_state_display().lower()}.",
        action=asked,
    )


def open_concerns_about(user: User, person: Person) -> list[Concern]:
    """The open concerns about this person that the user may see: the flag on the person's page. One query."""
    return list(
        concerns_visible_to(user).open().filter(person=person).select_related("urgency").order_by("pk")
    )
