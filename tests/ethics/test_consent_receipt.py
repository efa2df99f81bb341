"""The consent receipt: the organisation's contact details for changing your mind (an audited organisation
setting), the practitioner named, its dates explained, and margins when printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from chime.models import AuditEvent
from ethics.models import OrganisationContact
from ethics.services import organisation
from ethics.services.consent import withdraw_consent
from ethics.services.organisation import SettingsError


@pytest.fixture
def contact(admin_user):
    return organisation.save_setting(
        setting=OrganisationContact(
            phone="01632 960 123", email="hello@example.org", address="12 Riverside Walk", hours="9am to 5pm"
        ),
        saved_by=admin_user,
    )


def test_the_receipt_gives_the_contact_details_for_changing_your_mind(client, practitioner, consent, contact):
    client.force_login(practitioner)
    html = client.get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert 'Phone <a class="tel-link" href="tel:01632960123">01632 960 123</a> (9am to 5pm)' in html
    assert '<a href="mailto:hello@example.org">hello@example.org</a>' in html
    assert "12 Riverside Walk" in html


def test_without_contact_details_the_receipt_still_says_whom_to_tell(client, practitioner, consent):
    client.force_login(practitioner)
    html = client.get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert "Tell Sam Okafor or any member of staff, in person, by phone or in writing." in html
    assert "tel:" not in html.split("<article")[1].split("</article>")[0]


def test_the_receipt_names_the_practitioner_and_explains_each_date(client, practitioner, consent):
    withdrawn = withdraw_consent(consent=consent, withdrawn_by=practitioner)
    client.force_login(practitioner)
    html = client.get(f"/consents/{withdrawn.pk}/receipt/").content.decode()
    assert "Your practitioner is <strong>Sam Okafor</strong>" in html
    for explained in (
        "The day you agreed",
        "wrote it down in our records",
        "nothing more is shared under it",
    ):
        assert explained in html
    assert "The day you changed your mind." in html


def test_contact_details_change_through_the_audited_settings_service(admin_user, contact):
    contact.phone = "01632 960 999"
    organisation.save_setting(setting=contact, saved_by=admin_user)
    reasons = list(
        AuditEvent.objects.filter(object_type="ethics.OrganisationContact")
        .order_by("pk")
        .values_list("reason", flat=True)
    )
    assert reasons[0].startswith("organisation setting added: phone: '01632 960 123'")
    assert reasons[1] == "organisation setting changed: phone: '01632 960 123' → '01632 960 999'"


def test_there_is_one_set_of_contact_details(admin_user, contact):
    with pytest.raises(SettingsError) as refused:
        organisation.save_setting(setting=OrganisationContact(phone="0"), saved_by=admin_user)
    assert refused.value.code == "one_only"
    assert OrganisationContact.objects.count() == 1


def test_only_admins_change_the_contact_details(practitioner):
    with pytest.raises(SettingsError) as refused:
        organisation.save_setting(setting=OrganisationContact(phone="0"), saved_by=practitioner)
    assert refused.value.code == "not_allowed"


def test_the_admin_offers_no_second_set_of_contact_details(client, admin_user, contact):
    client.force_login(admin_user)
    assert client.get("/admin/ethics/organisationcontact/add/").status_code == 403


def test_printed_pages_keep_a_margin():
    css = (Path(settings.BASE_DIR) / "static/css/chime.css").read_text()
    assert "@page { margin: 2cm 1.8cm; }" in css


def test_each_section_of_the_report_is_a_headed_region_with_its_own_captioned_table(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/reports/").content.decode()
    regions = html.count('<section class="report-section" aria-labelledby="report-section-')
    assert regions == html.count('<table class="table table-sm report-table">') == html.count("<caption")
    assert regions >= 10 and 'scope="rowgroup"' not in html
