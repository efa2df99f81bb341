""" "Who has seen my record", in words: each audit row about a person said as a sentence a person can read.

One place for the wording, used by the staff-side page (an admin reads it for the person, ethics/views/rights.py)
and by the person's own view. It names members of staff by name and role (never by username), and says what was
looked at or done: a whole record, one session, a consent, or their name on a list (a caseload, a queue). It reads
nothing itself: the caller passes rows it has fetched (and audited) through ethics.access, with `actor` selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps

from chime.models import AuditEvent

Action = AuditEvent.Action

# What a row's object type is, as a person would say it.
THINGS = {
    "support.Person": "their record",
    "support.SupportSession": "a record of one of their sessions",
    "support.SupervisionRecord": "a supervision record that discussed them",
    "consents": "their consents",
    "ethics.Consent": "a consent",
    "ethics.Disclosure": "information shared about them",
    "ethics.Concern": "a safeguarding concern about them",
    "ethics.EmergencyAccess": "an emergency look at their record",
    "ethics.SubjectAccessRequest": "their request for a copy of their records",
    "ethics.SubjectAccessPack": "the copy of their records",
    "ethics.ErasureRequest": "their request to erase their record",
    "ethics.LegalHold": "a hold that keeps their record from being erased",
    "chime.Notification": "a notification about them",
}

# Lists, queues and searches that showed their name among others (chime.audit.record_list_view).
LISTS = {
    "caseload": "Saw their name on a caseload",
    "session list": "Saw their sessions in a supervisor's list of sessions to review",
    "feedback": "Saw feedback on one of their sessions in a list of feedback",
    "supervision record people": "Saw their name on a supervision record",
    "supervision caseload": "Saw their name on a caseload when recording a supervision meeting",
    "expiring consents": "Saw their name on the list of consents to renew",
    "people directory": "Saw their name in the people directory",
    "emergency matches": "Saw their name among the matches of an emergency look-up",
    "emergency reviews": "Saw their name in the list of emergency looks to review",
    "subject access requests": "Saw their name in the list of requests for records",
    "data-subject requests": "Saw their name in the list of open requests about people's records",
    "safeguarding queue": "Saw their name in the safeguarding queue",
    "concern search": "Saw their name in a search of safeguarding concerns",
    "concerns raised": "Saw their name in a list of concerns they had raised",
    "group register": "Saw their name on the register of a group meeting",
    "group register choices": "Saw their name among the people to tick on a group meeting's register",
    "brief contacts": "Saw their name in a list of brief contacts",
    "brief contact link choices": "Saw their name among the people a brief contact could be linked to",
    "team dashboard": "Saw on a supervisor's dashboard that they had flagged a note",
    "correction and deletion requests": "Saw their name in the list of requests to correct or delete records",
}

VERBS = {
    Action.VIEW: "Looked at {thing}",
    Action.CREATE: "Added {thing}",
    Action.UPDATE: "Changed {thing}",
    Action.EXPORT: "Made a copy of {thing}",
    Action.SHARE: "Shared {thing}",
    Action.EMERGENCY_ACCESS: "Opened their record in an emergency",
    Action.CONSENT_GIVEN: "Recorded a consent",
    Action.CONSENT_WITHDRAWN: "Recorded that they withdrew a consent",
    Action.CONSENT_CHANGED: "Recorded a change to a consent",
    Action.AUDIT_READ: "Looked at who has seen their record",
    Action.REVIEW: "Reviewed {thing}",
    Action.ERASURE: "Erased {thing}",
    Action.RETENTION: "Removed {thing} after its time to keep it",
}


@dataclass(frozen=True)
class AccessLine:
    """One look at, or change to, a person's record, in words."""

    at: dt.datetime
    who: str  # a member of staff's name, or what acted when nobody was signed in
    role: str  # their roles at the time, e.g. "practitioner, supervisor"; "" when nobody was signed in
    what: str  # e.g. "Looked at a record of one of their sessions", "Saw their name on a caseload"
    refused: bool  # the access policy refused it: nothing was shown or changed


def describe_record_access(events: Iterable[AuditEvent]) -> list[AccessLine]:
    """The given audit rows about one person (AuditEvent.objects.about_person, with `actor` selected), each as a
    line naming who (name and role, never a username) and saying in words what was viewed or done. No queries."""
    return [
        AccessLine(
            at=event.at,
            who=_who(event),
            role=event.actor_roles.replace(",", ", "),
            what=_what(event),
            refused=event.outcome == AuditEvent.Outcome.DENIED,
        )
        for event in events
    ]


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    return "Chime itself (a scheduled task)" if not event.ip_address else "Someone who was not signed in"


def _what(event: AuditEvent) -> str:
    thing = _thing(event.object_type)
    if event.action == Action.DENIED or event.outcome == AuditEvent.Outcome.DENIED:
        doing = "share their information" if event.action == Action.SHARE else f"open {thing}"
        return f"Tried to {doing}, and was refused"
    if event.action == Action.VIEW and event.person_id is None:
        return LISTS.get(event.object_type, "Saw their name on a list")
    return VERBS.get(event.action, "Used {thing}").format(thing=thing)


def _thing(object_type: str) -> str:
    if object_type in THINGS:
        return THINGS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return "their record"
    return f"a {model._meta.verbose_name}"
