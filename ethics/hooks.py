"""What ethics adds to the lower layers, registered from EthicsConfig.ready() (imported only then, once every
model is loaded): the figures and flags sessions/'
pages and reports show (sessions.hooks), and the emergency-access rule that opens one person's record to the
member of staff who declared the emergency (chime.access.register_visibility).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, Expression, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from chime import access as core
from chime import notices
from ethics import access
from ethics.models import Concern, Consent, EmergencyAccess, Referral, WithheldSession
from sessions import hooks

if TYPE_CHECKING:
    from chime.models import User


def register() -> None:
    core.register_visibility("support.Person", declared_emergencies)
    notices.register("ethics.concern", access.describe_concerns)
    hooks.register(
        open_concern_counts=open_concern_counts,
        concerns_by_type_and_outcome=concerns_by_type_and_outcome,
        reportable_people=reportable_people,
        emergency_grant=access.active_emergency_for,
        open_concerns_about=access.open_concerns_about,
        caseload_flags=caseload_flags,
        held_back=held_back,
    )


def declared_emergencies(user: User) -> Q:
    """A declared emergency opens one person's record to its declarer until it expires (ethics.services.emergency)."""
    return Q(pk__in=EmergencyAccess.objects.active_for(user).values("person_id"))


def open_concern_counts(practitioner_ids: Iterable[int]) -> dict[int, int]:
    """Open safeguarding concerns about each practitioner's people, in one query."""
    counts = dict.fromkeys(practitioner_ids, 0)
    rows = (
        Concern.objects.open()
        .filter(person__practitioner_id__in=list(counts))
        .values("person__practitioner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update({row["person__practitioner_id"]: row["n"] for row in rows})
    return counts


CONSENT_ENDING_DAYS = 30  # the same window as "Consents to renew"


def caseload_flags(user: User) -> dict[str, Expression]:
    """The caseload's flags from ethics, as subqueries on the person (see sessions.hooks.caseload_flags)."""
    concerns = access.concerns_visible_to(user).open().filter(person=OuterRef("pk"))
    ending = (
        Consent.objects.active()
        .filter(
            person=OuterRef("pk"),
            expires_on__lte=timezone.localdate() + dt.timedelta(days=CONSENT_ENDING_DAYS),
        )
        .order_by("expires_on")
        .values("expires_on")[:1]
    )
    return {"open_concern": Exists(concerns), "consent_ends_on": Subquery(ending)}


def concerns_by_type_and_outcome(start: dt.datetime, end: dt.datetime) -> list[hooks.ConcernCount]:
    """Safeguarding concerns raised in [start, end), by type and outcome (one query).

    The outcome is where the concern has got to: still open, referred to an agency, or no further action.
    """
    rows = (
        Concern.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .annotate(referred=Exists(Referral.objects.filter(concern=OuterRef("pk"))))
        .values("type", "state", "referred")
        .annotate(n=Count("pk"))
        .order_by("type", "state")
    )
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (Concern.Type(row["type"]).label, _outcome(row["state"], row["referred"]))
        totals[key] = totals.get(key, 0) + row["n"]
    return [hooks.ConcernCount(kind, outcome, n) for (kind, outcome), n in sorted(totals.items())]


def _outcome(state: str, referred: bool) -> str:
    if state != Concern.State.CLOSED:
        return "still open"
    return "referred to an agency" if referred else "no further action"


def reportable_people(people: QuerySet) -> QuerySet:
    """The people a commissioners' report may count.

    When the organisation's setting (CHIME_REPORTS_REQUIRE_CONSENT) requires it, only people with an active consent
    for the anonymised-reporting purpose (CHIME_REPORTING_PURPOSE) are counted.
    """
    if not settings.CHIME_REPORTS_REQUIRE_CONSENT:
        return people
    consented = Consent.objects.active().filter(purpose__name=settings.CHIME_REPORTING_PURPOSE)
    return people.filter(pk__in=consented.values("person_id"))


def held_back(session: object) -> hooks.HeldBack | None:
    """The staff session page's notice: the current hold on this session's notes, if any (one query)."""
    held = WithheldSession.objects.current().filter(session=session).select_related("withheld_by").first()
    if held is None:
        return None
    return hooks.HeldBack(reason=held.get_reason_display(), by=held.withheld_by.name, since=held.withheld_at)
