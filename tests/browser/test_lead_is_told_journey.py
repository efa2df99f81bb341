"""A safeguarding lead is told of a new urgent concern, finds it in the right place in their queue, acknowledges it,
and the notification stops asking for that (issue 11 §2), clicked through in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from ethics.models import Concern
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.ethics.safeguarding import make_lead, raise_concern, urgency, walk_to
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Tuesday in working hours; the live server shares the test's clock.
TUESDAY_10AM = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_the_lead_is_told_of_an_urgent_concern_acknowledges_it_and_the_notification_stops_asking(
    page: Page, live_server, practitioner, supervisor
):
    with time_machine.travel(TUESDAY_10AM, tick=True):
        for code in ("immediate", "urgent", "standard"):
            urgency(code)
        make_lead(username="lead", first_name="Kim")
        dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
        overdue = raise_concern(
            PersonFactory(practitioner=practitioner, preferred_name="Ola"),
            level="standard",
            raised_at=TUESDAY_10AM - dt.timedelta(days=14),
        )
        no_deadline = walk_to(
            raise_concern(PersonFactory(practitioner=practitioner, preferred_name="Bea")),
            "no_further_action",
            supervisor,
        )

        # The practitioner raises an urgent concern about Dee.
        log_in(page, live_server.url, "practitioner")
        page.goto(f"{live_server.url}/people/{dee.pk}/concerns/new/")
        assert_accessible(page)
        page.get_by_role("radio", name=re.compile(r"Urgent")).check()
        page.get_by_label("Risk to the person", exact=True).check()
        page.get_by_label("Type of concern").select_option(label="Self-harm or suicide risk")
        page.get_by_label("What happened").fill("Dee said she has been hurting herself again this week.")
        page.get_by_label("Yes, they know").check()
        page.get_by_label("Yes, they consent to a referral").check()
        page.get_by_role("button", name="Raise concern").click()
        expect(page.get_by_text("Concern raised.")).to_be_visible()
        assert_accessible(page)
        concern = Concern.objects.get(person=dee)
        log_out(page)

        # The lead's home is their queue: the overdue concern first, then Dee's, then the one with no deadline.
        log_in(page, live_server.url, "lead")
        expect(page.get_by_role("heading", name="Safeguarding queue")).to_be_visible()
        assert_accessible(page)
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("Ola")
        expect(rows.nth(0)).to_contain_text("OVERDUE")
        expect(rows.nth(1)).to_contain_text("Dee")
        expect(rows.nth(1)).to_contain_text("Acknowledge by 1 Dec 2026, 17:00")
        expect(rows.nth(2)).to_contain_text("Bea")
        expect(rows.nth(2)).to_contain_text("No deadline")

        # They were told: the notification names Dee, links to the concern and asks for the acknowledgement.
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=re.compile(r"^Notifications")
        ).click()
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
        assert_accessible(page)
        told = page.locator("li.list-group-item").filter(has_text="Dee")
        expect(told).to_contain_text("New safeguarding concern (urgent): Dee")
        expect(told).to_contain_text("Please acknowledge it by Tue 1 Dec, 17:00.")
        told.get_by_role("link").click()
        expect(page).to_have_url(re.compile(rf"/safeguarding/concerns/{concern.pk}/$"))
        assert_accessible(page)
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.get_by_text("Concern acknowledged.")).to_be_visible()
        assert_accessible(page)

        # The same notification now says where it stands, and no longer asks for the acknowledgement.
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=re.compile(r"^Notifications")
        ).click()
        told = page.locator("li.list-group-item").filter(has_text="Dee")
        expect(told).to_contain_text("Now: acknowledged.")
        expect(told).not_to_contain_text("Please acknowledge it")
        expect(told).to_contain_text("Please decide on action by")
        assert_accessible(page)

        # From the queue, the lead finds closed and open concerns by a name typed into a posted form.
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Safeguarding", exact=True
        ).click()
        page.get_by_role("link", name="Find concerns, closed ones too").click()
        expect(page.get_by_role("heading", name="Find concerns")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("State").select_option(label="Any state")
        page.get_by_label("Person’s name").fill("dee")
        page.get_by_role("button", name="Find").click()
        expect(page).to_have_url(re.compile(r"/safeguarding/find/$"))
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator("tbody tr").first).to_contain_text("Acknowledged")
        assert_accessible(page)

    concern.refresh_from_db()
    assert concern.state == Concern.State.ACKNOWLEDGED
    assert (overdue.is_open, no_deadline.due_at) == (True, None)
