"""From the person page to every group meeting they came to, in a real Chromium: axe, and nothing scrolls sideways
on a 375-pixel phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_practitioner_journey import log_in
from tests.browser.test_small_screens import SCREENS, assert_fits_and_accessible
from tests.factories import PersonFactory
from tests.groups import group_of, meeting_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **SCREENS["phone"]}


def test_a_practitioner_opens_every_group_meeting_a_person_came_to_on_a_phone(
    page: Page, live_server, practitioner
):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    cafe = group_of(practitioner, name="Thursday recovery café")
    for n in range(27):
        meeting_of(cafe, practitioner, [dee], days_ago=1 + n, addenda={dee.pk: f"Week {n + 1}: a good chat."})

    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{dee.pk}/")
    expect(page.locator(".group-meeting")).to_have_count(10)
    assert_fits_and_accessible(page, 375)
    page.get_by_role("link", name="All 27 group meetings").click()
    expect(page.get_by_role("heading", name="Dee’s group meetings", level=1)).to_be_visible()
    expect(page.locator(".group-meeting")).to_have_count(25)
    expect(page.locator(".group-meeting").first).to_contain_text("Week 1: a good chat.")
    assert_fits_and_accessible(page, 375)
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".group-meeting")).to_have_count(2)
    expect(page.locator(".group-meeting").last).to_contain_text("Week 27: a good chat.")
    assert_fits_and_accessible(page, 375)
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_role("heading", name="Dee", level=1)).to_be_visible()
