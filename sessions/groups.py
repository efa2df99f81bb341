"""Writes for group work: starting a group, recording a meeting with its register, and brief contacts.

Each is one transaction that writes its audit row; views call exactly one of these. The rules that protect the
people who came (a group note names nobody on the register; only people the recorder may name are named; an
addendum belongs to one named attendee) are checked here, whatever the form did.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from sessions.access import nameable_people  # the access layer decides who may be named
from sessions.models import Attendance, BriefContact, DirectoryService, Group, GroupMeeting, Person
from sessions.services import check_services_offered

if TYPE_CHECKING:
    from chime.models import User

MAX_NAMED_ATTENDEES = 200
MAX_ANONYMOUS = 1000  # the database refuses more (meeting_anonymous_count_sane)


class GroupError(RuleBroken):
    """A group-work rule was broken. `code` says which; the message is for people."""


def names_in_note(note: str, people: list[Person]) -> list[Person]:
    """The people whose name appears in a group note, as a whole word, whatever its case."""
    return [
        person
        for person in people
        if person.preferred_name.strip()
        and re.search(rf"(?<!\w){re.escape(person.preferred_name.strip())}(?!\w)", note, re.IGNORECASE)
    ]


@transaction.atomic
def start_group(
    *,
    created_by: User,
    name: str,
    purpose: str,
    facilitators: list[User],
    usual_place: str = "",
    usual_time: str = "",
    membership: str = Group.Membership.OPEN,
    volunteer_facilitators: str = "",
) -> Group:
    """Start a group. Its facilitators (practitioners) record its meetings and see its registers."""
    if not facilitators:
        raise GroupError("no_facilitator", "A group needs at least one facilitator.")
    if any(not f.is_active or not f.is_practitioner for f in facilitators):
        raise GroupError("not_practitioner", "Facilitators must be active practitioners.")
    group = Group.objects.create(
        name=name,
        purpose=purpose,
        usual_place=usual_place,
        usual_time=usual_time,
        membership=membership,
        volunteer_facilitators=volunteer_facilitators,
        created_by=created_by,
    )
    group.facilitators.set(facilitators)
    audit.record(
        AuditEvent.Action.CREATE,
        obj=group,
        actor=created_by,
        reason=Reason("group started with {count} facilitators", count=len(facilitators)),
    )
    return group


@transaction.atomic
def change_group(*, group: Group, changed_by: User, facilitators: list[User], **details: object) -> bool:
    """Change a group's details or facilitators (admins and its facilitators). Facilitators see the group's
    registers, so who was added and removed goes on the audit trail. Returns whether anything changed."""
    if not changed_by.is_org_admin and not group.facilitators.filter(pk=changed_by.pk).exists():
        raise GroupError("not_manager", "Only admins and the group's facilitators change a group.")
    if not facilitators:
        raise GroupError("no_facilitator", "A group needs at least one facilitator.")
    if any(not f.is_active or not f.is_practitioner for f in facilitators):
        raise GroupError("not_practitioner", "Facilitators must be active practitioners.")
    group = Group.objects.select_for_update().get(pk=group.pk)
    changed = [name for name, value in details.items() if getattr(group, name) != value]
    for name in changed:
        setattr(group, name, details[name])
    if changed:
        group.save(update_fields=changed)
    before = set(group.facilitators.values_list("pk", flat=True))
    after = {f.pk for f in facilitators}
    if before != after:
        group.facilitators.set(facilitators)
    if not changed and before == after:
        return False
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=group,
        actor=changed_by,
        reason=Reason(
            "group changed: {fields} fields, facilitators {added} added and {removed} removed",
            fields=len(changed),
            added=len(after - before),
            removed=len(before - after),
        ),
    )
    return True


@dataclass(frozen=True)
class MeetingDetails:
    occurred_at: dt.datetime
    duration_minutes: int
    mode: str
    areas: list[str]
    location: str = ""
    volunteer_facilitators: str = ""
    group_note: str = ""
    anonymous_count: int = 0


@dataclass(frozen=True)
class Attendee:
    person: Person
    addendum: str = ""


@dataclass(frozen=True)
class Register:
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [a.person for a in self.attendees]


def _check_meeting(
    group: Group, recorded_by: User, details: MeetingDetails, facilitators: list[User]
) -> None:
    if not recorded_by.is_practitioner or not group.facilitators.filter(pk=recorded_by.pk).exists():
        raise GroupError("not_facilitator", "Only the group's facilitators record its meetings.")
    if not facilitators:
        raise GroupError("no_facilitator", "Say who facilitated the meeting.")
    if group.facilitators.filter(pk__in=[f.pk for f in facilitators]).count() != len(set(facilitators)):
        raise GroupError("not_facilitator", "Only the group's facilitators can be named as facilitating.")
    if not details.areas:
        raise GroupError("no_area", "Tick at least one CHIME area the meeting touched.")
    if not 0 <= details.anonymous_count <= MAX_ANONYMOUS:
        raise GroupError("bad_count", f"The number who came unnamed must be between 0 and {MAX_ANONYMOUS}.")


def _check_register(group: Group, recorded_by: User, details: MeetingDetails, register: Register) -> None:
    people = register.people
    if len(people) > MAX_NAMED_ATTENDEES:
        raise GroupError("too_many", f"A register can name at most {MAX_NAMED_ATTENDEES} people.")
    if len({p.pk for p in people}) != len(people):
        raise GroupError("repeated", "Each person can be on a meeting's register once.")
    allowed = set(
        nameable_people(recorded_by, group).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    if any(p.pk not in allowed for p in people):
        raise GroupError("not_nameable", "Only people whose records you may see can be named on a register.")
    if named := names_in_note(details.group_note, people):
        who = ", ".join(p.preferred_name for p in named)
        raise GroupError(
            "named_in_note",
            f"The group note names {who}. A group note is about the group as a whole: move what is about "
            "one person into their personal addendum.",
        )


@transaction.atomic
def record_group_meeting(
    *,
    group: Group,
    recorded_by: User,
    details: MeetingDetails,
    facilitators: list[User],
    register: Register,
    submission_key: uuid.UUID,
) -> tuple[GroupMeeting, bool]:
    """Record a meeting with its register. Posting the same form twice returns the first meeting.

    One audit row for the meeting names every person on its register. Returns the meeting and whether it was
    created now."""
    _check_meeting(group, recorded_by, details, facilitators)
    _check_register(group, recorded_by, details, register)
    existing = GroupMeeting.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_submission(existing, group, recorded_by), False
    try:
        with transaction.atomic():
            meeting = GroupMeeting.objects.create(
                group=group, recorded_by=recorded_by, submission_key=submission_key, **details.__dict__
            )
    except IntegrityError:
        existing = GroupMeeting.objects.get(submission_key=submission_key)
        return _same_submission(existing, group, recorded_by), False
    meeting.facilitators.set(facilitators)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, person=a.person, addendum=a.addendum.strip()) for a in register.attendees
    )
    audit.record(
        AuditEvent.Action.CREATE,
        obj=meeting,
        actor=recorded_by,
        people=[p.pk for p in register.people],
        reason=Reason(
            "{named} named and {unnamed} unnamed attendees, {addenda} personal addenda",
            named=len(register.attendees),
            unnamed=details.anonymous_count,
            addenda=sum(1 for a in register.attendees if a.addendum.strip()),
        ),
    )
    return meeting, True


def _same_submission(existing: GroupMeeting, group: Group, recorded_by: User) -> GroupMeeting:
    if existing.group_id != group.pk or existing.recorded_by_id != recorded_by.pk:
        raise GroupError("bad_submission", "This form has already been used. Please start a new one.")
    return existing


# ---- Brief contacts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    occurred_at: dt.datetime
    duration_minutes: int
    areas: list[str]
    location: str = ""
    signposted_to: str = ""


@transaction.atomic
def record_brief_contact(
    *,
    recorded_by: User,
    details: ContactDetails,
    submission_key: uuid.UUID,
    signposted_services: list[DirectoryService] = (),
) -> tuple[BriefContact, bool]:
    """Record a short outreach or drop-in conversation. No name is needed. Posting twice records it once.
    `signposted_services`: the directory services offered today that they were pointed to."""
    if not recorded_by.is_practitioner:
        raise GroupError("not_practitioner", "Only practitioners record brief contacts.")
    check_services_offered(signposted_services)
    existing = BriefContact.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.recorded_by_id != recorded_by.pk:
            raise GroupError("bad_submission", "This form has already been used. Please start a new one.")
        return existing, False
    contact = BriefContact.objects.create(
        recorded_by=recorded_by, submission_key=submission_key, **details.__dict__
    )
    contact.signposted_services.set(signposted_services)
    audit.record(AuditEvent.Action.CREATE, obj=contact, actor=recorded_by)
    return contact, True


@transaction.atomic
def link_brief_contact(*, contact: BriefContact, person: Person, linked_by: User) -> None:
    """Link a brief contact to the record of the person it was with, once they have chosen to join."""
    if contact.recorded_by_id != linked_by.pk:
        raise GroupError("not_recorder", "Only the person who recorded a brief contact can link it.")
    if person.practitioner_id != linked_by.pk:
        raise GroupError("not_on_caseload", "You can link a brief contact only to someone on your caseload.")
    if contact.person_id is not None:
        raise GroupError("already_linked", "This brief contact is already linked to someone's record.")
    BriefContact.objects.filter(pk=contact.pk).update(person=person)
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=contact,
        person_id=person.pk,
        actor=linked_by,
        reason=Reason("brief contact linked to a person's record"),
    )
