"""Figures that belong to other features (consent, safeguarding), which the supervision pages and reports need.

The pages and reports call only these functions, so sessions/ does not reach into ethics/ models elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


def open_concern_counts(practitioner_ids: Iterable[int]) -> dict[int, int]:
    """Open safeguarding concerns per practitioner, in one query. No concerns model yet: zero for everyone."""
    return dict.fromkeys(practitioner_ids, 0)


@dataclass(frozen=True)
class ConcernCount:
    kind: str
    outcome: str
    count: int


def concerns_by_type_and_outcome(start: dt.datetime, end: dt.datetime) -> list[ConcernCount] | None:
    """Safeguarding concerns raised in [start, end), by type and outcome. None: the feature is not there yet."""
    return None


def reportable_people(people: QuerySet) -> QuerySet:
    """The people a commissioners' report may count.

    When the organisation's setting (CHIME_REPORTS_REQUIRE_CONSENT) requires it, only people with an active consent
    for the anonymised-reporting purpose (CHIME_REPORTING_PURPOSE) are counted.
    """
    if not settings.CHIME_REPORTS_REQUIRE_CONSENT:
        return people
    from ethics.models import Consent

    consented = Consent.objects.active().filter(purpose__name=settings.CHIME_REPORTING_PURPOSE)
    return people.filter(pk__in=consented.values("person_id"))
