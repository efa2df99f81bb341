"""An admin sees on their home page, in plain words, whether Chime is running as it should: in a real Chromium, at
a desktop width and on a 375 px phone, accessible and never scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_reads_how_chime_is_running_on_their_home_page(page: Page, live_server, admin_user, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server.url, "admin")

    health = page.get_by_role("region", name="How Chime is running")
    expect(health).to_contain_text("Something needs attention: see below.")
    expect(health).to_contain_text("Needs attention: The background worker has never run.")
    expect(health).to_contain_text("The database answers.")
    assert_accessible(page)
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"the page scrolls sideways: {scroll_width}px in {window_width}px"
