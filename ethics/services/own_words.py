"""Two voices on every session (sessions.own_words): the person's own words, and their flags on a note.

Only the person, signed in to their own record, writes their words, raises a flag and closes it; only the
practitioner (who logged the session, or who supports the person now) replies or adds a correction. Nothing here
ever changes the practitioner's note: a correction is a step of the flag's thread, shown beside the note. Each
write is one transaction with its audit row (pointing at the record, never copying the words), and a flag tells the
practitioners in the app (the email names no one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from chime.services import notify
from ethics.models.online_access import WithheldSession
from ethics.own_record import is_own_record
from sessions.models import NoteFlag, NoteFlagStep, OwnWords
from sessions.own_words import FLAG_WORDS_MAX, OWN_WORDS_MAX
from sessions.own_words import may_answer as may_answer_session

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import SupportSession


class OwnWordsError(RuleBroken):
    """The person's words or a flag's step could not be saved."""


def _check_the_persons_own(session: SupportSession, by: User) -> None:
    if not is_own_record(by, session.person):
        raise OwnWordsError("not_theirs", "Only the person can do this, signed in to their own record.")
    if WithheldSession.objects.current().filter(session=session).exists():
        raise OwnWordsError("held_back", "This session is held back, so you cannot add to it here.")


def _cleaned(words: str, *, most: int, needed: str) -> str:
    words = words.strip()
    if not words:
        raise OwnWordsError("blank", needed)
    if len(words) > most:
        raise OwnWordsError("too_long", f"Please use {most} characters or fewer.")
    return words


@transaction.atomic
def write_own_words(*, session: SupportSession, by: User, words: str) -> OwnWords:
    """Add or change the person's own words about a session. A change keeps the earlier words (OwnWordsVersion)."""
    _check_the_persons_own(session, by)
    words = _cleaned(words, most=OWN_WORDS_MAX, needed="Please write something, or go back.")
    now = timezone.now()
    own, created = OwnWords.objects.select_for_update().get_or_create(
        session=session, defaults={"words": words, "written_by": by, "written_at": now, "changed_at": now}
    )
    if not created and own.words != words:
        own.words, own.written_by, own.changed_at = words, by, now
        own.save(update_fields=["words", "written_by", "changed_at"])
    audit.record(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=own,
        person_id=session.person_id,
        actor=by,
        reason=Reason("the person's own words on session {session}", session=session.pk),
    )
    return own


def practitioners_to_tell(session: SupportSession) -> list[User]:
    """Who hears about a flag: the practitioner who logged the session and the one who supports the person now."""
    return [session.practitioner, session.person.practitioner]


@transaction.atomic
def flag_note(*, session: SupportSession, by: User, words: str) -> NoteFlag:
    """ "This doesn't sound like me": the person flags the session's note with a comment; the practitioners are told."""
    _check_the_persons_own(session, by)
    words = _cleaned(words, most=FLAG_WORDS_MAX, needed="Please say what does not sound like you.")
    if NoteFlag.objects.open().filter(session=session).exists():
        raise OwnWordsError("already_open", "You have already flagged this note. It is still open.")
    now = timezone.now()
    flag = NoteFlag.objects.create(session=session, raised_by=by, raised_at=now)
    NoteFlagStep.objects.create(
        flag=flag, kind=NoteFlagStep.Kind.FLAG, words=words, by=by, by_the_person=True, at=now
    )
    audit.record(
        AuditEvent.Action.CREATE,
        obj=flag,
        person_id=session.person_id,
        actor=by,
        reason=Reason("the person flagged the note of session {session}", session=session.pk),
    )
    notify(
        recipients=practitioners_to_tell(session),
        title=f"Person {session.person_id} says a session note does not sound like them",
        body="They left a comment. Please read it and reply.",
        url=reverse("session-detail", args=[session.pk]),
        about=flag,
    )
    return flag


def may_answer(user: User, flag: NoteFlag) -> bool:
    """The practitioner who logged the session, or who supports the person now, answers a flag."""
    return may_answer_session(user, flag.session)


@transaction.atomic
def answer_flag(*, flag: NoteFlag, by: User, kind: str, words: str) -> NoteFlagStep:
    """A practitioner replies to a flag, or adds a correction shown beside the note (the note itself is kept)."""
    if kind not in (NoteFlagStep.Kind.REPLY, NoteFlagStep.Kind.CORRECTION):
        raise OwnWordsError("kind", "Choose a reply or a correction.")
    if not may_answer(by, flag):
        raise OwnWordsError("not_theirs", "Only the person's practitioner can answer this flag.")
    flag = NoteFlag.objects.select_for_update().select_related("session").get(pk=flag.pk)
    if not flag.is_open:
        raise OwnWordsError("closed", "The person has closed this flag.")
    needed = "Please write your reply." if kind == NoteFlagStep.Kind.REPLY else "Please write the correction."
    words = _cleaned(words, most=FLAG_WORDS_MAX, needed=needed)
    step = NoteFlagStep.objects.create(flag=flag, kind=kind, words=words, by=by, at=timezone.now())
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=flag,
        person_id=flag.session.person_id,
        actor=by,
        reason=Reason(
            "{step} on the flag on session {session}", step=NoteFlagStep.Kind(kind), session=flag.session_id
        ),
    )
    return step


@transaction.atomic
def close_flag(*, flag: NoteFlag, by: User) -> NoteFlag:
    """Only the person closes their flag. The thread is kept."""
    flag = NoteFlag.objects.select_for_update().select_related("session__person").get(pk=flag.pk)
    if not is_own_record(by, flag.session.person):
        raise OwnWordsError("not_theirs", "Only the person can close this flag.")
    if not flag.is_open:
        raise OwnWordsError("closed", "This flag is already closed.")
    flag.closed_at = timezone.now()
    flag.save(update_fields=["closed_at"])
    NoteFlagStep.objects.create(
        flag=flag, kind=NoteFlagStep.Kind.CLOSED, by=by, by_the_person=True, at=flag.closed_at
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=flag,
        person_id=flag.session.person_id,
        actor=by,
        reason=Reason("the person closed the flag on session {session}", session=flag.session_id),
    )
    return flag
