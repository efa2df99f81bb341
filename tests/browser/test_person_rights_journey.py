"""Issue 12's person journey, as far as it goes on main: a practitioner offers online access and makes an invitation;
the person, on a 320-pixel phone, signs in with the code, reads a session, withdraws a consent, asks for a copy of
their record and asks for something to be put right; the data protection lead finds both requests in their queues
with their due dates. In a real Chromium, with axe on every page and nothing scrolling sideways on the phone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ethics.models import Consent, RecordChangeRequest, SubjectAccessRequest
from sessions.models import SessionArea
from tests.browser.a11y import assert_accessible
from tests.browser.test_person_view_journey import PHONE, _fits
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.factories import ConsentFactory, PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.dates, pytest.mark.django_db(transaction=True)]

# The last day of January: one calendar month later is the last day of February. The clock runs on from here.
ASKED = dt.datetime(2027, 1, 31, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _invite(page: Page, base: str) -> str:
    """The practitioner records Dee's yes to online access and makes an invitation; returns its code."""
    log_in(page, base, "practitioner")
    page.get_by_role("link", name="Dee", exact=True).click()
    page.get_by_role("link", name="Online access").click()
    expect(page.get_by_label("Said yes in a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Said yes in a session").check()
    page.get_by_label("They have read or heard the words above, and said yes.").check()
    page.get_by_role("button", name="Record their choice").click()
    expect(page.get_by_text("Online access is on.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make an invitation").click()
    code = page.get_by_test_id("invitation-code").inner_text()
    assert_accessible(page)
    log_out(page)
    return code


def test_a_person_asks_for_a_copy_and_a_correction_and_the_data_protection_lead_sees_both_with_due_dates(
    page: Page, browser: Browser, live_server, practitioner, data_protection_lead
):
    with time_machine.travel(ASKED, tick=True):
        person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
        session = SupportSessionFactory(person=person, next_steps="Try the Tuesday walking group.", areas=[])
        SessionArea.objects.create(session=session, area="connectedness", note="Dee met two neighbours.")
        ConsentFactory(person=person, recipient="Riverside Housing")
        code = _invite(page, live_server.url)

        # Dee, on her phone, signs in with the code she was read out.
        phone = browser.new_context(**PHONE)
        dee = phone.new_page()
        dee.goto(f"{live_server.url}/me/start/")
        _fits(dee)
        dee.get_by_label("Your code").fill(code)
        dee.get_by_role("button", name="Sign in").click()
        expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
        _fits(dee)

        held_on = timezone.localtime(session.occurred_at)
        dee.get_by_role("link", name=f"{held_on.day} {held_on:%b %Y}", exact=True).click()
        expect(dee.get_by_text("Dee met two neighbours.")).to_be_visible()
        _fits(dee)

        dee.get_by_role("link", name="Back to my record").click()
        dee.get_by_role("link", name="My choices about sharing").click()
        expect(dee.get_by_role("link", name="Riverside Housing")).to_be_visible()
        _fits(dee)
        dee.get_by_role("link", name="Riverside Housing").click()
        expect(dee.get_by_role("button", name="Stop sharing")).to_be_visible()
        _fits(dee)
        dee.get_by_role("button", name="Stop sharing").click()
        expect(dee.get_by_text("Done. We will not share this any more.")).to_be_visible()
        _fits(dee)

        dee.get_by_role("link", name="Back to my record").click()
        dee.get_by_role("link", name="Ask for a copy of my record").click()
        expect(dee.get_by_role("button", name="Ask for a copy")).to_be_visible()
        _fits(dee)
        dee.get_by_role("button", name="Ask for a copy").click()
        expect(dee.get_by_text("Done. We will send you a copy by 28 February 2027.")).to_be_visible()
        _fits(dee)

        # Asking for a correction: first with nothing typed, then about that session.
        dee.get_by_role("link", name="Back to my record").click()
        dee.get_by_role("link", name="Ask us to put something right").click()
        expect(dee.get_by_role("heading", name="Ask us to put something right")).to_be_visible()
        _fits(dee)
        dee.get_by_role("button", name="Send my request").click()
        expect(dee.get_by_text("Please say what is wrong.")).to_be_visible()
        _fits(dee)
        dee.get_by_label("What is wrong?").fill("It says I met two neighbours. It was one.")
        dee.get_by_label("What should it say?").fill("Dee met one neighbour.")
        dee.get_by_label("Is it about one session? (you can leave this)").select_option(
            label=f"{held_on.day} {held_on:%b %Y}"
        )
        dee.get_by_role("button", name="Send my request").click()
        expect(dee.get_by_text("Done. We will answer you by 28 February 2027.")).to_be_visible()
        expect(dee.get_by_text("We will answer by 28 Feb 2027.")).to_be_visible()
        _fits(dee)
        phone.close()

        # The data protection lead: the copy in the subject access queue, the correction in its own queue.
        log_in(page, live_server.url, "dpl")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Subject access").click()
        expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
        expect(page.get_by_role("cell", name="28 Feb 2027")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="their own queue").click()
        expect(page.get_by_role("heading", name="Requests to correct or delete")).to_be_visible()
        expect(page.get_by_role("cell", name="28 Feb 2027")).to_be_visible()
        expect(page.get_by_role("cell", name="Correct something")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("^Dee")).click()
        expect(page.get_by_text("Dee met one neighbour.")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Done", exact=True).check()
        page.get_by_label("What we tell them").fill("We have put it right. Thank you for telling us.")
        page.get_by_role("button", name="Record the answer").click()
        expect(page.get_by_text("The answer is recorded.")).to_be_visible()
        assert_accessible(page)

    asked = RecordChangeRequest.objects.get()
    account = person.online_access.get().account
    assert (asked.kind, asked.session, asked.due_on, asked.recorded_by, asked.outcome) == (
        "correction",
        session,
        dt.date(2027, 2, 28),
        account,
        "done",
    )
    assert SubjectAccessRequest.objects.get().due_on == dt.date(2027, 2, 28)
    assert Consent.objects.current().get().status == "withdrawn"
