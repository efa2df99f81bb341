"""Demo safeguarding data: concerns in every state, one of them overdue, and a local crisis service.

Idempotent: each concern is created only when a concern with the same words about the same person is missing.
Every person and service here is fictional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from chime.models import User
from ethics.models import Concern, CrisisService, Referral, UrgencyLevel
from ethics.services import safeguarding as services
from sessions.models import Person

Step = Callable[[Concern, dict[str, User]], object]


def _acknowledge(concern: Concern, users: dict[str, User]) -> None:
    services.acknowledge_concern(concern=concern, by=users["jo"], note="Spoke with Sam straight away.")


def _plan(concern: Concern, users: dict[str, User]) -> None:
    _acknowledge(concern, users)
    services.plan_action(
        concern=concern,
        by=users["jo"],
        plan="Sam to meet them tomorrow with a safety plan; Jo to check in Friday.",
    )


def _refer(concern: Concern, users: dict[str, User]) -> None:
    _plan(concern, users)
    services.record_referral(
        concern=concern,
        by=users["jo"],
        agency=Referral.Agency.ADULT_SOCIAL_CARE,
        agency_name="Riverside adult social care (fictional)",
        referred_on=timezone.localdate(),
        reference="ASC-DEMO-0042",
        what_was_shared="That he has been asked to hand over his bank card to a lodger, and that he wants help.",
        basis=Referral.Basis.CONSENT,
    )


def _close(concern: Concern, users: dict[str, User]) -> None:
    services.acknowledge_concern(concern=concern, by=users["jo"])
    services.plan_action(
        concern=concern, by=users["jo"], plan="Priya to talk it through with them at the next session."
    )
    services.decide_no_further_action(
        concern=concern,
        by=users["jo"],
        rationale="They have moved to their sister's and feel safe; they did not want a referral.",
    )
    services.close_concern(
        concern=concern,
        by=users["jo"],
        outcome="Safe at their sister's; peer support continues.",
        persons_views="They said they felt listened to and are glad nobody else was told.",
        wanted_achieved="yes",
    )


# (practitioner, person, urgency, risk to, type, what happened, consent, how long ago (days), steps)
DEMO_CONCERNS: tuple[tuple[str, str, str, str, str, str, str, int, Step | None], ...] = (
    (
        "sam",
        "Dee",
        "standard",
        "from_others",
        "financial",
        "Dee said a neighbour keeps borrowing money and she feels she cannot say no.",
        "not_asked",
        7,
        None,
    ),
    (
        "sam",
        "Marcus",
        "urgent",
        "person",
        "self_neglect",
        "Marcus has not been eating and his flat has no heating.",
        "yes",
        0,
        _acknowledge,
    ),
    (
        "sam",
        "Aisha",
        "urgent",
        "person",
        "self_harm",
        "Aisha talked about hurting herself again after a hard week.",
        "yes",
        0,
        _plan,
    ),
    (
        "sam",
        "Tom",
        "standard",
        "from_others",
        "financial",
        "Tom's lodger has been asking for his bank card.",
        "yes",
        0,
        _refer,
    ),
    (
        "priya",
        "Nia",
        "standard",
        "from_others",
        "domestic",
        "Nia described shouting and threats at home.",
        "no",
        0,
        _close,
    ),
)


def ensure_demo_concerns(users: dict[str, User]) -> int:
    """Create the demo concerns that are missing. Returns how many were added."""
    added = 0
    for who, name, urgency, risk_to, kind, what, consent, days_ago, steps in DEMO_CONCERNS:
        person = Person.objects.filter(practitioner=users[who], preferred_name=name).first()
        if person is None or Concern.objects.filter(person=person, what_happened=what).exists():
            continue
        concern = services.raise_concern(
            person=person,
            raised_by=users[who],
            raised_at=timezone.now() - dt.timedelta(days=days_ago),
            details=services.ConcernDetails(
                risk_to=risk_to,
                type=kind,
                urgency=UrgencyLevel.objects.get(code=urgency),
                what_happened=what,
                person_knows="yes",
                consent_to_referral=consent,
                views_and_wishes="Wants to stay in control of what happens next.",
                wanted_outcome="To feel safe at home.",
            ),
        )
        if steps is not None:
            steps(concern, users)
        added += 1
    CrisisService.objects.get_or_create(
        name="Riverside Crisis Café (fictional)",
        defaults={
            "phone": "01632 960 000",
            "hours": "every evening, 6pm to midnight",
            "description": "A calm place to go instead of A&E, run by the local NHS trust.",
        },
    )
    return added
