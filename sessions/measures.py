"""When a recovery measure is due, and a person's measures over time. Reading only: writes are in services.py.

A measure is due at the start of support, then every `repeat_every_weeks` after the last time it was offered, and
once more when support ends. Offered means completed or declined: a person who chose not to do it is not asked
again until the next occasion (support is voluntary; Chime never nags).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from sessions.models import Measure, MeasureResponse, Person

Occasion = MeasureResponse.Occasion


@dataclass(frozen=True)
class Due:
    measure: Measure
    occasion: str  # a MeasureResponse.Occasion
    due_on: dt.date
    is_due: bool  # False: the date is the next one, not reached yet

    @property
    def occasion_label(self) -> str:
        return Occasion(self.occasion).label


def next_due(person: Person, measure: Measure, offered: list[MeasureResponse], today: dt.date) -> Due | None:
    """The next occasion for `measure`, from the times it was offered to the person (oldest first). None when
    nothing more is due (support ended and the end measure was offered)."""
    if person.support_ended is not None:
        if any(r.occasion == Occasion.END for r in offered):
            return None
        return Due(measure, Occasion.END, person.support_ended, True)
    if not offered:
        return Due(measure, Occasion.START, person.support_started, True)
    due_on = offered[-1].taken_on + dt.timedelta(weeks=measure.repeat_every_weeks)
    return Due(measure, Occasion.REVIEW, due_on, today >= due_on)


def responses_of(person: Person) -> list[MeasureResponse]:
    """Every measure offered to the person (completed or declined) with its measure, oldest first: one query, for
    a page that shows both `due_for` and `scores_over_time`."""
    return list(
        MeasureResponse.objects.filter(person=person).select_related("measure").order_by("taken_on", "pk")
    )


def due_for(
    person: Person, today: dt.date | None = None, *, responses: list[MeasureResponse] | None = None
) -> list[Due]:
    """Each offered measure's next occasion for this person (two queries; one given `responses_of(person)`)."""
    today = today or timezone.localdate()
    if responses is None:
        responses = MeasureResponse.objects.filter(person=person).order_by("taken_on", "pk")
    offered: dict[int, list[MeasureResponse]] = {}
    for response in responses:
        offered.setdefault(response.measure_id, []).append(response)
    found = (
        next_due(person, m, offered.get(m.pk, []), today) for m in Measure.objects.filter(is_active=True)
    )
    return [due for due in found if due is not None]


CHANGE_WORDS = {
    "improved": "better by at least the published threshold",
    "worse": "worse by at least the published threshold",
    "same": "within the published threshold",
    "no_threshold": "no published threshold",
    "": "first score",
}


@dataclass(frozen=True)
class ScorePoint:
    response: MeasureResponse
    change_from_first: Decimal | None
    change: str  # Measure.change_between: improved, same, worse, no_threshold; "" for the first

    @property
    def change_words(self) -> str:
        return CHANGE_WORDS[self.change]


def scores_over_time(
    person: Person, *, responses: list[MeasureResponse] | None = None
) -> dict[Measure, list[ScorePoint]]:
    """Each measure's completed totals, oldest first, with the change from the first and what it means (one query,
    or none given `responses_of(person)`)."""
    if responses is None:
        completed = (
            MeasureResponse.objects.filter(person=person, declined=False, total__isnull=False)
            .select_related("measure")
            .order_by("taken_on", "pk")
        )
    else:
        completed = [r for r in responses if not r.declined and r.total is not None]
    series: dict[Measure, list[ScorePoint]] = {}
    for response in completed:
        points = series.setdefault(response.measure, [])
        if not points:
            points.append(ScorePoint(response, None, ""))
            continue
        first = points[0].response.total
        change = response.measure.change_between(first, response.total)
        points.append(ScorePoint(response, response.total - first, change))
    return series
