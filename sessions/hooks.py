"""Figures that belong to other features (consent, safeguarding), which the supervision pages and reports need.

MERGE HOOKS: consent records (issue 3) and safeguarding concerns (issue 4) are being built on other branches.
Until they are merged these return neutral answers, so the dashboard and the report work without them. Wire each
one to the real models at merge time; the pages, reports and tests call only these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

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

    When the organisation's setting requires it, only people who consented to anonymised reporting are counted.
    There is no consent model yet, so this is a no-op; the lead wires it to the consent records at merge time.
    """
    return people
