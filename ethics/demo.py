"""Demo consents: one active, one ending within 30 days (to renew), one withdrawn. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from chime.models import User
from ethics.consent_purposes import load_starting_purposes
from ethics.models import Consent, ConsentWording, ContentKind
from ethics.services.consent import ConsentTerms, record_consent, withdraw_consent
from sessions.models import Person

# (practitioner, person, purpose, recipient, what, given days ago, ends in days, withdrawn by)
DEMO_CONSENTS = (
    (
        "sam",
        "Dee",
        "Housing",
        "Riverside Housing Association",
        (ContentKind.CONTACT_DETAILS, ContentKind.GOALS_AND_STRENGTHS),
        20,
        345,
        None,
    ),
    (
        "sam",
        "Marcus",
        "Sharing with their GP or another health professional",
        "Dr Patel, Hillside Surgery",
        (ContentKind.SESSION_SUMMARIES,),
        353,
        12,
        None,
    ),
    (
        "priya",
        "Bev",
        "A family member",
        "Her sister, Lorna",
        (ContentKind.GOALS_AND_STRENGTHS,),
        90,
        275,
        "alex",
    ),
)


def ensure_demo_consents(users: dict[str, User]) -> int:
    """Record the demo consents that are missing. Returns how many were added now."""
    load_starting_purposes(apps, None)  # already there after migrating; a flushed database needs them back
    today = timezone.localdate()
    added = 0
    for who, name, purpose, recipient, kinds, given_ago, ends_in, withdrawn_by in DEMO_CONSENTS:
        person = Person.objects.filter(practitioner=users[who], preferred_name=name).first()
        if person is None or Consent.objects.filter(person=person, purpose__name=purpose).exists():
            continue
        terms = ConsentTerms(
            recipient=recipient,
            content_kinds=kinds,
            how_given=Consent.HowGiven.WRITTEN,
            given_on=today - dt.timedelta(days=given_ago),
            expires_on=today + dt.timedelta(days=ends_in),
        )
        wording = ConsentWording.objects.current().get(purpose__name=purpose)
        consent = record_consent(person=person, wording=wording, terms=terms, recorded_by=users[who])
        if withdrawn_by:
            withdraw_consent(
                consent=consent, withdrawn_by=users[withdrawn_by], reason="She would rather tell her herself."
            )
        added += 1
    return added
