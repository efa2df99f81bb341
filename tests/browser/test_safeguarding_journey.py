"""The safeguarding journey, clicked through in a real Chromium: raise, acknowledge, plan, refer, close."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ethics.models import Concern
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.ethics.safeguarding import make_lead, raise_concern, urgency
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_urgent_concern_from_a_session_is_acknowledged_referred_and_closed(
    page: Page, live_server, practitioner, supervisor
):
    for code in ("immediate", "urgent", "standard"):
        urgency(code)
    make_lead(username="lead", first_name="Kim")
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    session = SupportSessionFactory(person=person)
    raise_concern(PersonFactory(practitioner=practitioner, preferred_name="Ola"), level="standard")

    # The practitioner raises an urgent concern from the session.
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    crisis = page.locator("#crisis-panel")
    expect(crisis).to_be_hidden()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"Immediate danger")).check()
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("Samaritans, 116 123")
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"Urgent")).check()
    expect(crisis).to_be_hidden()
    page.get_by_label("Risk to the person", exact=True).check()
    page.get_by_label("Type of concern").select_option(label="Self-harm or suicide risk")
    page.get_by_label("What happened").fill("Dee said she has been hurting herself again this week.")
    page.get_by_label("Yes, they know").check()
    page.get_by_label("Yes, they consent to a referral").check()
    page.get_by_role("button", name="Raise concern").click()
    expect(page.get_by_text("Concern raised.")).to_be_visible()
    assert_accessible(page)
    concern = Concern.objects.get(person=person)
    assert concern.session == session
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Concerns I raised").click()
    expect(page.locator("tbody tr").filter(has_text="Dee")).to_contain_text("Raised")
    assert_accessible(page)
    log_out(page)

    # The supervisor sees it at the top of the queue, acknowledges it, plans action and refers under consent.
    log_in(page, live_server.url, "supervisor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguarding", exact=True).click()
    expect(page.locator("tbody tr").first).to_contain_text("Dee")
    expect(page.locator("tbody tr").first).to_contain_text("Urgent")
    assert_accessible(page)
    page.locator("tbody tr").first.get_by_role("link").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Concern acknowledged.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What will be done, and by whom").fill("Jo to call the GP with Dee this afternoon.")
    page.get_by_role("button", name="Record the action plan").click()
    expect(page.get_by_text("Action plan recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name=re.compile(r"^Agency")).select_option(label="The person's GP")
    page.get_by_label("Their reference").fill("GP-123")
    page.get_by_label("What was shared").fill("That Dee has been self-harming and would like support.")
    page.get_by_label("The person consented to this referral").check()
    page.get_by_role("button", name="Record a referral").click()
    expect(page.get_by_text("Referral recorded.")).to_be_visible()
    expect(page.locator(".chronology")).to_contain_text("Acknowledged → Action planned")
    assert_accessible(page)
    log_out(page)

    # A safeguarding lead closes it with the outcome in Dee's words.
    log_in(page, live_server.url, "lead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguarding", exact=True).click()
    page.locator("tbody tr").filter(has_text="Dee").get_by_role("link").click()
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Outcome")).fill(
        "GP appointment made; Dee has a safety plan."
    )
    page.get_by_label("The person's views on the outcome").fill("Dee said she felt listened to.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Close and sign off").click()
    expect(page.get_by_text("Concern closed and signed off.")).to_be_visible()
    assert_accessible(page)

    concern.refresh_from_db()
    assert concern.state == Concern.State.CLOSED
    assert concern.closure.signed_off_by.username == "lead"
    referral = concern.referrals.get()
    assert (referral.agency, referral.basis, referral.reference) == ("gp", "consent", "GP-123")
    assert list(concern.events.values_list("kind", flat=True)) == [
        "raised",
        "acknowledged",
        "action_planned",
        "referred",
        "closed",
    ]
