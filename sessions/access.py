"""Who may see and change people and their sessions. Views fetch confidential records only through here.

A record the user may not see is answered exactly like a record that does not exist (404), so a refusal never
confirms that someone is supported here. A user who may read a record but not change it gets a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sessions.models import Person, SupportSession

if TYPE_CHECKING:
    from chime.models import User


def get_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    """The person with this id, if `user` may read their record (and, with write=True, add to it)."""
    person = Person.objects.visible_to(user).select_related("practitioner").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    if write and not can_write_person(user, person):
        raise PermissionDenied("Only the person's practitioner can change their record.")
    return person


def get_session_for(user: User, pk: int, *, write: bool = False) -> SupportSession:
    """The session with this id, if `user` may read it (and, with write=True, edit it)."""
    session = (
        SupportSession.objects.visible_to(user)
        .select_related("person", "practitioner", "person__practitioner")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    if write and not can_edit_session(user, session):
        raise PermissionDenied("Only the practitioner who logged a session can edit it.")
    return session


def can_write_person(user: User, person: Person) -> bool:
    return user.is_practitioner and person.practitioner_id == user.pk


def can_edit_session(user: User, session: SupportSession) -> bool:
    return can_write_person(user, session.person) and session.practitioner_id == user.pk


def get_supervisee_for(user: User, pk: int) -> User:
    """A practitioner whose caseload this supervisor may review (read-only)."""
    from chime.models import User as UserModel

    supervisee = UserModel.objects.supervised_by(user).filter(pk=pk).first() if user.is_supervisor else None
    if supervisee is None:
        raise Http404("No such practitioner.")
    return supervisee
