"""Sharing: the recipient is chosen from those the person's consents name, never typed to match exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ethics.forms.consent import SOMEONE_ELSE
from ethics.models import ContentKind, Disclosure
from ethics.services.consent import withdraw_consent
from tests.factories import ConsentFactory


@pytest.mark.dates
def test_the_form_offers_the_recipients_the_consents_name(
    client, practitioner, consent, person, housing_wording
):
    ConsentFactory(person=person, wording=housing_wording, recipient="Dee's sister")
    today = timezone.localdate()
    ConsentFactory(
        person=person,
        wording=housing_wording,
        recipient="Old GP",
        given_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=1),
    )
    client.force_login(practitioner)
    form = client.get(f"/people/{person.pk}/share/").context["form"]
    assert form.fields["recipient"].choices == [
        ("", "Choose who"),
        ("Dee's sister", "Dee's sister"),
        ("Old GP", "Old GP (no active consent)"),
        ("Riverside Housing", "Riverside Housing"),
        (SOMEONE_ELSE, "Someone no consent names (only under the risk-of-harm exception)"),
    ]


def test_a_recipient_with_no_active_consent_is_marked(client, practitioner, consent, person):
    withdraw_consent(consent=consent, withdrawn_by=practitioner)
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/share/").content.decode()
    assert '<option value="Riverside Housing">Riverside Housing (no active consent)</option>' in html
    assert "<datalist" not in html


def test_a_chosen_recipient_shares_under_their_consent(client, practitioner, consent, person, housing):
    client.force_login(practitioner)
    data = {
        "purpose": housing.pk,
        "recipient": "Riverside Housing",
        "content_kinds": [ContentKind.CONTACT_DETAILS],
    }
    response = client.post(f"/people/{person.pk}/share/", data)
    assert response.status_code == 302 and Disclosure.objects.get().consent == consent


def test_a_name_no_consent_names_is_refused_beside_the_field(client, practitioner, consent, person, housing):
    client.force_login(practitioner)
    data = {
        "purpose": housing.pk,
        "recipient": "riverside housing",
        "content_kinds": [ContentKind.CONTACT_DETAILS],
    }
    response = client.post(f"/people/{person.pk}/share/", data)
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert not Disclosure.objects.exists()


def test_someone_else_needs_the_exception_and_a_name(client, practitioner, person, housing):
    client.force_login(practitioner)
    data = {"purpose": housing.pk, "recipient": SOMEONE_ELSE, "content_kinds": [ContentKind.CONTACT_DETAILS]}
    html = client.post(f"/people/{person.pk}/share/", data).content.decode()
    assert "Without a consent that names them, share only under the risk-of-harm exception." in html
    assert "Say who it is shared with." in html
    assert not Disclosure.objects.exists()
