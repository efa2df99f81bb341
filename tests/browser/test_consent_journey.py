"""An admin records a consent, shares under it, withdraws it, and the next share is refused: in a real Chromium."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chime.models import AuditEvent
from ethics.models import Consent, Disclosure
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import ConsentWordingFactory, PersonFactory, SharingPurposeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_records_consent_shares_under_it_withdraws_it_and_the_next_share_is_refused(
    page: Page, live_server, admin_user, practitioner
):
    PersonFactory(practitioner=practitioner, preferred_name="Dee", strengths="Green fingers.")
    wording = ConsentWordingFactory(purpose=SharingPurposeFactory(name="Housing"))
    log_in(page, live_server.url, "admin")

    page.get_by_role("link", name="People directory").click()
    page.get_by_label("Name").fill("Dee")
    page.get_by_role("button", name="Find").click()
    assert_accessible(page)
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_role("heading", name="Dee: consent and sharing")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_text(wording.text[:100])).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Housing", exact=True).check()
    page.get_by_label("Who it may be shared with").fill("Riverside Housing")
    page.get_by_label("Goals and strengths").check()
    page.get_by_label("How they gave consent").select_option(label="In writing")
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Share under this consent").click()
    expect(page.get_by_label("Who it is shared with")).to_have_value("Riverside Housing")
    assert_accessible(page)
    page.get_by_label("Goals and strengths").check()
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_text("Shared with Riverside Housing.")).to_be_visible()
    expect(page.get_by_text("Green fingers.")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Dee: consent and sharing").click()
    page.get_by_role("link", name=re.compile("Details and history")).click()
    page.get_by_role("link", name="Withdraw consent").click()
    expect(page.get_by_role("heading", name="Withdraw consent", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw consent now").click()
    expect(page.get_by_text("Consent withdrawn.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Version 2 \\(this one\\): withdrawn"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Dee: consent and sharing").click()
    page.get_by_role("link", name="Share information").click()
    page.get_by_label("Why it is being shared").select_option(label="Housing")
    page.get_by_label("Who it is shared with").select_option("Riverside Housing")
    page.get_by_label("Goals and strengths").check()
    page.get_by_role("button", name="Share", exact=True).click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"was withdrawn on {timezone.localdate():%-d %b %Y}")
    expect(refusal).to_contain_text("Nothing can be shared under it.")
    assert_accessible(page)

    assert Disclosure.objects.count() == 1
    assert list(Consent.objects.order_by("version").values_list("status", flat=True)) == [
        "given",
        "withdrawn",
    ]
    assert AuditEvent.objects.filter(action="share", outcome="denied").count() == 1


def test_practitioner_records_a_consent_for_someone_on_their_caseload(page: Page, live_server, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Marcus")
    ConsentWordingFactory(purpose=SharingPurposeFactory(name="Their GP"))
    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Marcus").click()
    page.get_by_role("link", name="Consent and sharing").click()
    expect(page.get_by_role("heading", name="Marcus: consent and sharing")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record consent").click()
    # Nothing chosen yet: the form says what is missing, beside the field.
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Choose at least one thing that may be shared.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Their GP", exact=True).check()
    page.get_by_label("Who it may be shared with").fill("Dr Patel, Riverside Surgery")
    page.get_by_label("Contact details").check()
    page.get_by_label("How they gave consent").select_option(label="Spoken (verbal)")
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Receipt to print").click()
    expect(page.get_by_text("Dr Patel, Riverside Surgery").first).to_be_visible()
    assert_accessible(page)
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.recipient, consent.status) == (
        practitioner,
        "Dr Patel, Riverside Surgery",
        "given",
    )
    assert AuditEvent.objects.filter(action="consent_given", actor=practitioner).count() == 1
