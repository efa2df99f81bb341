"""Pages that answer the next question: the caseload's flags in words on a phone, the crisis numbers one tap away
and tap to call, and a supervisor's review flow from one session to the next and back to the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sessions.services import review_session
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.ethics.safeguarding import raise_concern, urgency
from tests.factories import ConsentFactory, PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def flagged_caseload(practitioner, supervisor):
    urgency("standard")
    today = timezone.localdate()
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    raise_concern(dee)
    olly = PersonFactory(practitioner=practitioner, preferred_name="Olly")
    SupportSessionFactory(person=olly, follow_up_on=today - dt.timedelta(days=2))
    ConsentFactory(person=olly, expires_on=today + dt.timedelta(days=12))
    fran = PersonFactory(practitioner=practitioner, preferred_name="Fran")
    review_session(session=SupportSessionFactory(person=fran), reviewer=supervisor, comment="Lovely note.")


def test_on_a_phone_the_caseload_flags_say_what_needs_attention_and_crisis_numbers_are_one_tap_away(
    browser, live_server, flagged_caseload
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "practitioner")
    for name, flag in (
        ("Dee", "Open safeguarding concern"),
        ("Olly", "Follow-up overdue"),
        ("Fran", "New feedback"),
    ):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row.get_by_role("listitem").filter(has_text=flag)).to_have_count(1)
    expect(page.get_by_text("Consent ends")).to_have_count(1)
    assert_accessible(page)
    crisis = page.get_by_role("navigation", name="Main").get_by_role("link", name="Crisis numbers")
    expect(crisis).to_be_visible()  # outside the collapsed menu: one tap
    crisis.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisis routes")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(main.get_by_role("link", name="Samaritans, 116 123")).to_have_attribute("href", "tel:116123")
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= width
    assert_accessible(page)
    context.close()


def test_a_supervisor_reviews_one_session_after_another_and_returns_to_the_list(
    page: Page, live_server, supervisor, practitioner
):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    now = timezone.now()
    first, second = (
        SupportSessionFactory(person=person, occurred_at=now - dt.timedelta(days=d)) for d in (1, 2)
    )
    log_in(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/sessions/{first.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as reviewed, then open the next").click()
    expect(page).to_have_url(f"{live_server.url}/sessions/{second.pk}/")
    expect(page.get_by_text("Session marked as reviewed.")).to_be_visible()
    expect(page.get_by_text("No other sessions of Sam Okafor’s are awaiting review.")).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="awaiting review").click()
    expect(page).to_have_url(f"{live_server.url}/team/{practitioner.pk}/sessions/?review=awaiting")


def test_the_consent_receipt_and_the_commissioners_report_are_accessible(
    page: Page, live_server, admin_user, person
):
    from ethics.models import OrganisationContact
    from ethics.services import organisation

    organisation.save_setting(
        setting=OrganisationContact(phone="01632 960 123", email="hello@example.org"), saved_by=admin_user
    )
    consent = ConsentFactory(person=person)
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/consents/{consent.pk}/receipt/")
    expect(page.get_by_role("link", name="01632 960 123")).to_have_attribute("href", "tel:01632960123")
    expect(page.get_by_text("Your practitioner is Sam Okafor")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    assert_accessible(page)
