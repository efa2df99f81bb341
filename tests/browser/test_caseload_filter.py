"""A practitioner finds someone on their caseload by name: the name is posted, never put in the address."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_caseload_is_filtered_by_name_without_the_name_in_the_url(page: Page, live_server, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Dee")
    PersonFactory(practitioner=practitioner, preferred_name="Marcus")
    log_in(page, live_server.url, "practitioner")
    page.get_by_label("Name").fill("mar")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Marcus")).to_be_visible()
    expect(page.get_by_role("link", name="Dee")).to_have_count(0)
    assert "mar" not in page.url.lower()
    assert_accessible(page)
    page.get_by_label("Name").fill("")
    page.get_by_label("Follow-up").select_option("none")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/?follow_up=none")
    expect(page.get_by_role("link", name="Dee")).to_be_visible()
