"""The notifications inbox, said as of now: what happened, about whom, and what (if anything) is still asked.

A notification is written once, when something happens. Whether it still asks the reader to act depends on the
record it is about, which may have moved on since (a concern acknowledged, then closed). So the call to action is
never stored: it is worked out when the inbox is shown, by the app that owns the record. Apps register a
`describe(user, ids) -> {id: Notice}` for their record type from their AppConfig.ready() (the core imports no app);
each describe is one query for the whole page, and says only what the reader may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chime.models import Notification

if TYPE_CHECKING:
    from chime.models import User

INBOX_SIZE = 100


@dataclass(frozen=True)
class Notice:
    """Where the record a notification is about stands now, as far as its reader may see."""

    about: str = ""  # whom it is about: a name only if the reader may see the record
    now: str = ""  # where it stands now, e.g. "Now: acknowledged"
    action: str = ""  # what is still asked of the reader; empty once done


@dataclass(frozen=True)
class InboxItem:
    notification: Notification
    notice: Notice


Describe = Callable[["User", list[int]], dict[int, Notice]]
_describers: dict[str, Describe] = {}


def register(about_type: str, describe: Describe) -> None:
    """Say how notifications about records of `about_type` ("ethics.concern") are described now."""
    _describers[about_type] = describe


def inbox_for(user: User, size: int = INBOX_SIZE) -> list[InboxItem]:
    """The latest notifications, each with its notice as of now: one query, plus one per type of record."""
    notifications = list(Notification.objects.for_inbox(user)[:size])
    notices: dict[tuple[str, int], Notice] = {}
    for about_type, ids in _ids_by_type(notifications).items():
        if about_type in _describers:
            described = _describers[about_type](user, ids)
            notices.update({(about_type, pk): notice for pk, notice in described.items()})
    return [InboxItem(n, notices.get((n.about_type, n.about_id), Notice())) for n in notifications]


def _ids_by_type(notifications: Iterable[Notification]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for notification in notifications:
        if notification.about_type and notification.about_id is not None:
            ids.setdefault(notification.about_type, []).append(notification.about_id)
    return ids
