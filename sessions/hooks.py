"""Extension points: what the people and supervision pages and the reports need from features built on top of
sessions (consent, safeguarding, emergency access).

sessions/ never imports those apps. They register their answers here from their AppConfig.ready() (ethics does, in
ethics/hooks.py); with nothing registered, each hook answers as if the feature were not installed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import DateField, Expression, QuerySet, Value

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import Person


@dataclass(frozen=True)
class ConcernCount:
    kind: str
    outcome: str
    count: int


@dataclass(frozen=True)
class HeldBack:
    """A session's notes held back from the person's own view: why, who held them back, and since when."""

    reason: str
    by: str
    since: dt.datetime


_registry: dict[str, Callable] = {}
HOOKS = (
    "open_concern_counts",
    "concerns_by_type_and_outcome",
    "reportable_people",
    "emergency_grant",
    "open_concerns_about",
    "caseload_flags",
    "held_back",
)


def register(**implementations: Callable) -> None:
    """Fill hooks by name (a higher app calls this from its AppConfig.ready())."""
    unknown = set(implementations) - set(HOOKS)
    if unknown:
        raise ValueError(f"No such hook: {', '.join(sorted(unknown))}")
    _registry.update(implementations)


def open_concern_counts(practitioner_ids: Iterable[int]) -> dict[int, int]:
    """Open safeguarding concerns about each practitioner's people, in one query."""
    ids = list(practitioner_ids)
    if "open_concern_counts" not in _registry:
        return dict.fromkeys(ids, 0)
    return _registry["open_concern_counts"](ids)


def concerns_by_type_and_outcome(start: dt.datetime, end: dt.datetime) -> list[ConcernCount] | None:
    """Safeguarding concerns raised in [start, end), by type and outcome; None without safeguarding."""
    if "concerns_by_type_and_outcome" not in _registry:
        return None
    return _registry["concerns_by_type_and_outcome"](start, end)


def reportable_people(people: QuerySet) -> QuerySet:
    """The people a commissioners' report may count (all of them unless a consent rule narrows it)."""
    if "reportable_people" not in _registry:
        return people
    return _registry["reportable_people"](people)


def emergency_grant(user: User, person: Person) -> object | None:
    """The declared emergency through which `user` sees `person` now, if that is how they see them."""
    if "emergency_grant" not in _registry:
        return None
    return _registry["emergency_grant"](user, person)


def open_concerns_about(user: User, person: Person) -> list:
    """The open concerns about this person that the user may see: the flag on the person's page."""
    if "open_concerns_about" not in _registry:
        return []
    return _registry["open_concerns_about"](user, person)


def caseload_flags(user: User) -> dict[str, Expression]:
    """What a caseload shows beside each person from consent and safeguarding, as query expressions to annotate
    the caseload's one query with (so the page's query count stays the same however many people it shows):
    `open_concern` (an open safeguarding concern the user may see) and `consent_ends_on` (the soonest end of an
    active consent ending within 30 days, or None)."""
    if "caseload_flags" not in _registry:
        return {"open_concern": Value(False), "consent_ends_on": Value(None, output_field=DateField())}
    return _registry["caseload_flags"](user)


def held_back(session: object) -> HeldBack | None:
    """Whether this session's notes are held back from the person's own view now, and by whom (one query)."""
    if "held_back" not in _registry:
        return None
    return _registry["held_back"](session)
