"""Legal holds: what keeps records from erasure and retention, who owns each hold, and when it is reviewed.

A hold on the whole record (legal proceedings, a court order) stops erasure and retention of the person. A
safeguarding concern is a hold on its own records only: the concern, its chronology, referrals, closure and
escalations, the session it was raised from and the disclosures its referrals made (the map's `held_with`). Erasure
of the rest of the person's record goes ahead; the name they were known by is kept on the hold, so the concern
still says whom it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from chime import audit, personal_data
from chime.models import AuditEvent
from ethics.models import LegalHold

if TYPE_CHECKING:
    from chime.models import User
    from ethics.models import Concern
    from sessions.models import Person

# Adult safeguarding records are commonly kept six years; the owner reviews the hold then.
SAFEGUARDING_HOLD_REVIEW_YEARS = 6


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def place_safeguarding_hold(*, concern: Concern, placed_by: User | None = None) -> LegalHold:
    """Hold a concern's records from the moment it is raised; whoever raised it owns the hold at first."""
    return LegalHold.objects.create(
        person_id=concern.person_id,
        concern=concern,
        reason=f"Safeguarding concern {concern.pk}: kept under legal retention",
        owner_id=concern.raised_by_id,
        review_on=_years_after(timezone.localdate(concern.raised_at), SAFEGUARDING_HOLD_REVIEW_YEARS),
        placed_by=placed_by or concern.raised_by,
    )


@transaction.atomic
def place_legal_hold(
    *, person: Person, reason: str, owner: User, review_on: dt.date, placed_by: User
) -> LegalHold:
    """Hold a person's whole record from erasure and retention until the owner reviews it."""
    hold = LegalHold.objects.create(
        person=person, reason=reason.strip(), owner=owner, review_on=review_on, placed_by=placed_by
    )
    audit.record(AuditEvent.Action.CREATE, obj=hold, person_id=person.pk, actor=placed_by)
    return hold


def blocking(person: Person) -> list[str]:
    """Why the person's record must not be erased or anonymised now (empty when nothing stops it)."""
    holds = LegalHold.objects.filter(person=person).on_whole_record().select_related("owner")
    return [f"a legal hold is in place: {hold.reason} ({_owner_and_review(hold)})" for hold in holds]


@dataclass
class Kept:
    """What one hold keeps through an erasure: (section title, number of records) for each kind held."""

    hold: LegalHold
    records: list[tuple[str, int]]

    def __str__(self) -> str:
        what = ", ".join(f"{title.lower()}: {count}" for title, count in self.records)
        return f"{self.hold.reason} ({_owner_and_review(self.hold)}). Kept: {what}"


def kept_under_holds(person: Person) -> list[Kept]:
    """The safeguarding holds on the person, each with what it keeps when the rest of the record is erased."""
    holds = LegalHold.objects.filter(person=person).on_safeguarding().select_related("owner")
    own_title = personal_data.declaration_for(LegalHold).section_title
    return [
        Kept(hold, [r for r in personal_data.held_counts(person.pk, [hold.concern_id]) if r[0] != own_title])
        for hold in holds
    ]


def keep_safeguarding_records(*, person: Person, erased_by: User | None) -> list[int]:
    """Before an erasure: hold every concern that has never had a hold, keep the person's name on each hold in
    force, and return the concerns held."""
    for concern in person.concerns.filter(holds__isnull=True):
        place_safeguarding_hold(concern=concern, placed_by=erased_by or concern.raised_by)
    holds = LegalHold.objects.filter(person=person).on_safeguarding()
    if person.erased_at is None:
        holds.filter(name_kept="").update(name_kept=person.preferred_name)
    return list(holds.values_list("concern_id", flat=True))


def _owner_and_review(hold: LegalHold) -> str:
    return f"owner {hold.owner.name}, review by {hold.review_on:%d %b %Y}"
