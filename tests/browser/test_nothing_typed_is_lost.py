"""A practitioner's typing survives the idle limit, in a real Chromium with a limit of seconds, not minutes.

Seen on the demo: a phone call, then the live wording check turned the page into the log-in page mid-sentence, and
a save after the wait lost the notes. Now the page warns first, stays put when the session has ended, and a late
save comes back after logging in again, to be saved once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chime.models import FormDraft
from sessions.models import SupportSession
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Came to the Tuesday group and stayed for tea."
NEXT_STEPS = "Visit the college open day."
LONG_WAIT = 40_000  # ms: the limits below, and a machine shared with other work


def test_a_session_typed_past_the_idle_limit_comes_back_after_logging_in_and_saves_once(
    page: Page, live_server, practitioner, settings
):
    settings.CHIME_IDLE_TIMEOUT_MINUTES = 0.2  # 12 seconds
    settings.CHIME_IDLE_WARNING_SECONDS = 5
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    page.locator("[name=duration_minutes]").fill("45")
    page.get_by_role("checkbox", name="Hope and optimism about the future").check()  # its note opens
    page.locator("[name=hope_note]").fill(NOTE)
    expect(page.get_by_text(re.compile(r"^Draft kept at"))).to_be_visible()

    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=LONG_WAIT)
    assert_accessible(page)
    ended = page.get_by_role("alertdialog", name="You have been logged out")  # the phone call goes on
    expect(ended).to_be_visible(timeout=LONG_WAIT)
    expect(ended.get_by_text("What you typed in this form is kept.")).to_be_visible()
    assert_accessible(page)
    ended.get_by_role("button", name="Close this message").click()

    # Typing on: the wording check is answered "logged out", and the page stays as it is.
    page.locator("[name=next_steps]").fill(NEXT_STEPS)
    with page.expect_response("**/wording/check/") as checked:
        page.locator("[name=next_steps]").press("End")
        page.locator("[name=next_steps]").type(" ")
    assert checked.value.status == 401
    expect(page.get_by_role("heading", name="Log a session with Dee")).to_be_visible()

    settings.CHIME_IDLE_TIMEOUT_MINUTES = 15  # back to normal, for signing in again and saving
    page.get_by_role("button", name="Save session").click()
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    expect(page.get_by_text("everything you typed is kept")).to_be_visible()
    assert_accessible(page)
    assert not SupportSession.objects.exists()
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("This form holds what you typed on")).to_be_visible()
    expect(page.locator("[name=duration_minutes]")).to_have_value("45")
    expect(page.get_by_role("checkbox", name="Hope and optimism about the future")).to_be_checked()
    expect(page.locator("[name=hope_note]")).to_have_value(NOTE)
    expect(page.locator("[name=next_steps]")).to_have_value(NEXT_STEPS + " ")
    assert_accessible(page)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session with Dee saved.")).to_be_visible()
    session = SupportSession.objects.get()
    assert (session.duration_minutes, session.areas.get().note) == (45, NOTE)
    assert not FormDraft.objects.exists()
    assert "Unfinished forms" not in page.goto(f"{live_server.url}/").text()


def test_stay_signed_in_keeps_the_session_past_its_first_limit(
    page: Page, live_server, practitioner, settings
):
    settings.CHIME_IDLE_TIMEOUT_MINUTES = 0.5  # 30 seconds
    settings.CHIME_IDLE_WARNING_SECONDS = 20
    page.set_viewport_size({"width": 375, "height": 667})  # on a phone
    log_in(page, live_server.url, "practitioner")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=LONG_WAIT)
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways
    assert_accessible(page)
    with page.expect_response("**/session/stay-signed-in/") as stayed:
        warning.get_by_role("button", name="Stay signed in").click()
    assert stayed.value.status == 200
    expect(warning).to_be_hidden()

    page.wait_for_timeout(22_000)  # past the limit the session had before the button was pressed
    page.reload()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login/"))
