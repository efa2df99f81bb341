"""Helpers for safeguarding tests: urgency levels, a lead, and concerns walked to any state through the services."""

from __future__ import annotations

import datetime as dt

from chime.models import User
from ethics.models import Concern, Referral, UrgencyLevel
from ethics.services import safeguarding as services
from sessions.models import Person
from tests.factories import UserFactory

# The levels the data migration seeds. Transactional tests empty the tables, so tests ask for them here.
URGENCY_DEFAULTS = {
    "immediate": dict(
        name="Immediate danger",
        shows_crisis_routes=True,
        emails_leads_at_once=True,
        acknowledge_within=1,
        acknowledge_unit="working_hours",
        act_within=4,
        act_unit="working_hours",
        escalate_again_after_hours=1,
        order=1,
    ),
    "urgent": dict(
        name="Urgent",
        emails_leads_at_once=True,
        acknowledge_within=0,
        acknowledge_unit="working_days",
        act_within=1,
        act_unit="working_days",
        escalate_again_after_hours=2,
        order=2,
    ),
    "standard": dict(
        name="Standard",
        acknowledge_within=1,
        acknowledge_unit="working_days",
        act_within=5,
        act_unit="working_days",
        escalate_again_after_hours=8,
        order=3,
    ),
}


def urgency(code: str) -> UrgencyLevel:
    return UrgencyLevel.objects.get_or_create(code=code, defaults=URGENCY_DEFAULTS[code])[0]


def make_lead(**kwargs) -> User:
    return UserFactory(is_safeguarding_lead=True, **kwargs)


def details(level: str = "standard", **overrides) -> services.ConcernDetails:
    values = dict(
        risk_to=Concern.RiskTo.PERSON,
        type=Concern.Type.SELF_NEGLECT,
        urgency=urgency(level),
        what_happened="Has not been eating and the flat is cold.",
        person_knows=Concern.PersonKnows.YES,
        consent_to_referral=Concern.Consent.YES,
        views_and_wishes="Wants help with the heating.",
        wanted_outcome="A warm flat.",
    )
    return services.ConcernDetails(**{**values, **overrides})


def raise_concern(
    person: Person, *, level: str = "standard", raised_at: dt.datetime | None = None, **overrides
):
    return services.raise_concern(
        person=person, raised_by=person.practitioner, details=details(level, **overrides), raised_at=raised_at
    )


def refer(concern: Concern, by: User) -> Referral:
    return services.record_referral(
        concern=concern,
        by=by,
        agency=Referral.Agency.GP,
        referred_on=dt.date(2026, 11, 20),
        what_was_shared="That they are not eating.",
        basis=Referral.Basis.CONSENT,
    )


def walk_to(concern: Concern, state: str, responder: User) -> Concern:
    """Take a raised concern through the workflow to `state` (via a referral where there is a choice)."""
    path = {
        Concern.State.RAISED: [],
        Concern.State.ACKNOWLEDGED: ["acknowledge"],
        Concern.State.ACTION_PLANNED: ["acknowledge", "plan"],
        Concern.State.REFERRED: ["acknowledge", "plan", "refer"],
        Concern.State.NO_FURTHER_ACTION: ["acknowledge", "plan", "nfa"],
        Concern.State.CLOSED: ["acknowledge", "plan", "refer", "close"],
    }[state]
    for step in path:
        take(step, concern, responder)
    concern.refresh_from_db()
    return concern


def take(step: str, concern: Concern, by: User) -> object:
    """Take one named workflow step with valid input."""
    if step == "acknowledge":
        return services.acknowledge_concern(concern=concern, by=by)
    if step == "plan":
        return services.plan_action(concern=concern, by=by, plan="Meet tomorrow with a heater.")
    if step == "refer":
        return refer(concern, by)
    if step == "nfa":
        return services.decide_no_further_action(concern=concern, by=by, rationale="Sorted with family help.")
    if step == "close":
        return services.close_concern(
            concern=concern, by=by, outcome="Warm again.", persons_views="Relieved.", wanted_achieved="yes"
        )
    raise AssertionError(step)
