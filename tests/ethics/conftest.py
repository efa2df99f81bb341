"""Fixtures for consent, sharing and safeguarding tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ethics.models import Consent, ContentKind
from ethics.services.consent import ConsentTerms, record_consent
from tests.ethics.safeguarding import make_lead
from tests.factories import ConsentWordingFactory, SharingPurposeFactory


@pytest.fixture
def housing(db):
    return SharingPurposeFactory(name="Housing")


@pytest.fixture
def housing_wording(housing):
    return ConsentWordingFactory(purpose=housing)


def terms(**changes: object) -> ConsentTerms:
    today = timezone.localdate()
    values = {
        "recipient": "Riverside Housing",
        "content_kinds": (ContentKind.CONTACT_DETAILS, ContentKind.GOALS_AND_STRENGTHS),
        "how_given": Consent.HowGiven.WRITTEN,
        "given_on": today,
        "expires_on": today + dt.timedelta(days=365),
    }
    values.update(changes)
    return ConsentTerms(**values)


@pytest.fixture
def consent(person, housing_wording, practitioner):
    """Dee agreed today to share her contact details, goals and strengths with Riverside Housing for a year."""
    return record_consent(person=person, wording=housing_wording, terms=terms(), recorded_by=practitioner)


@pytest.fixture
def lead(db):
    return make_lead(username="lead", first_name="Kim", last_name="Adeyemi")
