"""Writes to people and support sessions. Each is one transaction; views call exactly one of these."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pghistory
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chime import audit
from chime.audit import Reason
from chime.models import AuditEvent
from chime.services import notify
from sessions.models import (
    CaseloadAssignment,
    Person,
    SessionArea,
    SessionReview,
    SupervisionRecord,
    SupportSession,
)

if TYPE_CHECKING:
    from chime.models import User


class SessionError(Exception):
    """A support-session rule was broken. `code` says which; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AreaEntry:
    area: str
    note: str
    rating: int | None = None


@dataclass(frozen=True)
class SessionDetails:
    occurred_at: dt.datetime
    duration_minutes: int
    mode: str
    location: str = ""
    next_steps: str = ""
    follow_up_on: dt.date | None = None
    signposted_to: str = ""
    signposting_notes: str = ""


def _check_areas(areas: list[AreaEntry]) -> None:
    if not areas:
        raise SessionError("no_area", "Add a note for at least one CHIME area the session touched.")
    if len({entry.area for entry in areas}) != len(areas):
        raise SessionError("repeated_area", "Each CHIME area can have only one note per session.")


@transaction.atomic
def record_session(
    *,
    person: Person,
    practitioner: User,
    details: SessionDetails,
    areas: list[AreaEntry],
    submission_key: uuid.UUID,
) -> tuple[SupportSession, bool]:
    """Log a support session. Posting the same form twice returns the first session instead of a second one.

    Returns the session and whether it was created now.
    """
    if person.practitioner_id != practitioner.pk:
        raise SessionError("not_on_caseload", "You can only log sessions for people on your caseload.")
    _check_areas(areas)
    existing = SupportSession.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_submission(existing, person, practitioner), False
    try:
        with transaction.atomic():
            session = SupportSession.objects.create(
                person=person, practitioner=practitioner, submission_key=submission_key, **details.__dict__
            )
    except IntegrityError:
        # A second copy of the same form raced this one and won: theirs is the session.
        existing = SupportSession.objects.get(submission_key=submission_key)
        return _same_submission(existing, person, practitioner), False
    SessionArea.objects.bulk_create(
        SessionArea(session=session, area=e.area, note=e.note, rating=e.rating) for e in areas
    )
    audit.record(AuditEvent.Action.CREATE, obj=session, person_id=person.pk, actor=practitioner)
    return session, True


def _same_submission(existing: SupportSession, person: Person, practitioner: User) -> SupportSession:
    if existing.person_id != person.pk or existing.practitioner_id != practitioner.pk:
        raise SessionError("bad_submission", "This form has already been used. Please start a new one.")
    return existing


@transaction.atomic
def edit_session(
    *, session: SupportSession, editor: User, details: SessionDetails, areas: list[AreaEntry]
) -> bool:
    """Change a session. The earlier version is kept by the history triggers. Returns whether anything changed."""
    if session.practitioner_id != editor.pk:
        raise SessionError("not_author", "Only the practitioner who logged a session can edit it.")
    _check_areas(areas)
    with pghistory.context(user=editor.pk):  # the version rows of this edit carry who made it
        changed = _apply_edit(session, details, areas)
    if changed:
        audit.record(AuditEvent.Action.UPDATE, obj=session, person_id=session.person_id, actor=editor)
    return changed


def _apply_edit(session: SupportSession, details: SessionDetails, areas: list[AreaEntry]) -> bool:
    session = SupportSession.objects.select_for_update().get(pk=session.pk)
    changed_fields = [name for name, value in details.__dict__.items() if getattr(session, name) != value]
    for name in changed_fields:
        setattr(session, name, details.__dict__[name])
    if changed_fields:
        session.save(update_fields=[*changed_fields, "updated_at"])
    return _replace_areas(session, areas) or bool(changed_fields)


def _replace_areas(session: SupportSession, areas: list[AreaEntry]) -> bool:
    current = {area.area: area for area in session.areas.all()}
    wanted = {entry.area: entry for entry in areas}
    changed = False
    for code in current.keys() - wanted.keys():
        current[code].delete()
        changed = True
    for code, entry in wanted.items():
        row = current.get(code)
        if row is None:
            SessionArea.objects.create(session=session, area=code, note=entry.note, rating=entry.rating)
            changed = True
        elif (row.note, row.rating) != (entry.note, entry.rating):
            row.note, row.rating = entry.note, entry.rating
            row.save(update_fields=["note", "rating"])
            changed = True
    return changed


@transaction.atomic
def add_person(*, practitioner: User, added_by: User, **details: object) -> Person:
    """Put a new person on a practitioner's caseload."""
    if not details.get("chose_to_take_part"):
        raise SessionError(
            "not_voluntary", "Peer support is voluntary: the person must have chosen to take part."
        )
    person = Person.objects.create(practitioner=practitioner, **details)
    # Their first assignment starts when support started (which may be before the record was typed), so
    # "supported since" and "who has supported them" give the same date.
    CaseloadAssignment.objects.create(
        person=person, practitioner=practitioner, assigned_by=added_by, started_at=person.support_started_at
    )
    audit.record(AuditEvent.Action.CREATE, obj=person, person_id=person.pk, actor=added_by)
    return person


@transaction.atomic
def update_person(*, person: Person, editor: User, **details: object) -> None:
    """Change a person's details (their words, goals, strengths, contact details, dates)."""
    if person.practitioner_id != editor.pk:
        raise SessionError("not_on_caseload", "Only the person's practitioner can change their details.")
    started_before = person.support_started
    for name, value in details.items():
        setattr(person, name, value)
    with pghistory.context(user=editor.pk):
        person.save(update_fields=[*details, "updated_at"])
    if person.support_started != started_before:
        _start_first_assignment(person)
    audit.record(AuditEvent.Action.UPDATE, obj=person, person_id=person.pk, actor=editor)


def _start_first_assignment(person: Person) -> None:
    """Keep the first assignment starting on the day support started (see `add_person`)."""
    first = CaseloadAssignment.objects.filter(person=person).order_by("started_at", "pk").first()
    if first is not None:
        first.started_at = person.support_started_at
        first.save(update_fields=["started_at"])


@transaction.atomic
def move_person(*, person: Person, to_practitioner: User, moved_by: User, reason: str = "") -> None:
    """Move a person to another practitioner's caseload, keeping the record of who supported them when."""
    if not to_practitioner.is_practitioner or not to_practitioner.is_active:
        raise SessionError("not_practitioner", "People can only be moved to an active practitioner.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.practitioner_id == to_practitioner.pk:
        raise SessionError("same_practitioner", f"{person} is already on {to_practitioner}'s caseload.")
    now = timezone.now()
    CaseloadAssignment.objects.filter(person=person, ended_at__isnull=True).update(ended_at=now)
    CaseloadAssignment.objects.create(
        person=person, practitioner=to_practitioner, started_at=now, assigned_by=moved_by, reason=reason
    )
    person.practitioner = to_practitioner
    with pghistory.context(user=moved_by.pk):
        person.save(update_fields=["practitioner", "updated_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=person,
        person_id=person.pk,
        actor=moved_by,
        reason=Reason("moved to another practitioner's caseload (user {user})", user=to_practitioner.pk),
    )


# ---- Supervision ------------------------------------------------------------------------------------------------


class SupervisionError(Exception):
    """A supervision rule was broken. `code` says which; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@transaction.atomic
def review_session(*, session: SupportSession, reviewer: User, comment: str = "") -> SessionReview:
    """Mark a session reviewed, optionally with feedback. Reviewing again replaces the comment.

    A comment is new feedback for the practitioner: they get a notification that names no one.
    """
    if not reviewer.is_supervisor or session.practitioner.supervisor_id != reviewer.pk:
        raise SupervisionError(
            "not_supervisor", "Only the practitioner's supervisor can review their sessions."
        )
    review, _ = SessionReview.objects.update_or_create(
        session=session,
        defaults={"reviewer": reviewer, "reviewed_at": timezone.now(), "comment": comment, "seen_at": None},
    )
    audit.record(AuditEvent.Action.REVIEW, obj=session, person_id=session.person_id, actor=reviewer)
    if comment:
        notify(
            recipients=[session.practitioner],
            title="Your supervisor left feedback on a session",
            body="Open the session to read it.",
            url=reverse("session-detail", args=[session.pk]),
        )
    return review


def mark_feedback_seen(*, session: SupportSession, practitioner: User) -> bool:
    """The practitioner who logged the session has opened its feedback. Returns whether it was new."""
    changed = SessionReview.objects.filter(
        session=session, session__practitioner=practitioner, seen_at__isnull=True
    ).update(seen_at=timezone.now())
    return bool(changed)


@transaction.atomic
def record_supervision(
    *,
    supervisor: User,
    practitioner: User,
    met_on: dt.date,
    people_discussed: list[Person],
    agreed_actions: str,
    wellbeing: str,
    wellbeing_notes: str,
) -> SupervisionRecord:
    """Log a supervision meeting. Only people on the practitioner's caseload can be named in it."""
    if not supervisor.is_supervisor or practitioner.supervisor_id != supervisor.pk:
        raise SupervisionError("not_supervisor", "You can only record supervision with people you supervise.")
    if any(person.practitioner_id != practitioner.pk for person in people_discussed):
        raise SupervisionError("not_on_caseload", "Only people on the practitioner's caseload can be named.")
    record = SupervisionRecord.objects.create(
        supervisor=supervisor,
        practitioner=practitioner,
        met_on=met_on,
        agreed_actions=agreed_actions,
        wellbeing=wellbeing,
        wellbeing_notes=wellbeing_notes,
    )
    record.people_discussed.set(people_discussed)
    audit.record(AuditEvent.Action.CREATE, obj=record, actor=supervisor)
    return record
