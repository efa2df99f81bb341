"""Who may open a flag on a note ("This doesn't sound like me", sessions.own_words): the person whose record it is,
from their own view, and the staff who may read the session. Fetched, refused and audited by chime.access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chime import access as core
from ethics.own_record import own_access
from ethics.services.own_words import may_answer
from sessions.models import NoteFlag, SupportSession

if TYPE_CHECKING:
    from chime.models import User


def get_own_flag(user: User, pk: int) -> NoteFlag:
    """One of the person's own flags, or 404 (anyone else's answers as if it did not exist). Audited."""
    person_id = own_access(user).person_id
    flags = NoteFlag.objects.filter(session__person_id=person_id, session__person__erased_at__isnull=True)
    return core.fetch_for(
        user,
        flags.select_related("session__person"),
        pk,
        person="session.person_id",
        not_found="No such flag.",
    )


def get_flag_to_answer(user: User, pk: int) -> NoteFlag:
    """A flag on a session `user` may read (404 otherwise); 403 unless they are the practitioner who answers it."""
    flags = NoteFlag.objects.filter(session__in=SupportSession.objects.visible_to(user)).select_related(
        "session__person__practitioner", "session__practitioner"
    )
    return core.fetch_for(
        user,
        flags,
        pk,
        write=True,
        may_write=may_answer,
        person="session.person_id",
        not_found="No such flag.",
        read_only="Only the person's practitioner can answer this flag.",
    )
