"""The practitioner's main journey, clicked through in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sessions.models import SupportSession
from tests.browser.a11y import assert_accessible
from tests.factories import TEST_PASSWORD, PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")  # the log-out finishes before the next page opens


def test_practitioner_logs_a_session_touching_two_areas(page: Page, live_server, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Dee", strengths="Green fingers.")
    log_in(page, live_server.url, "practitioner")

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dee").click()
    expect(page.get_by_text("Green fingers.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Log a session").click()
    assert_accessible(page)
    page.get_by_label("How long (minutes)").fill("45")
    page.get_by_role("checkbox", name="Connectedness").check()
    page.get_by_label("Connectedness: note").fill("Came to the Tuesday group and stayed for tea.")
    page.get_by_role("checkbox", name="Hope and optimism about the future").check()
    page.get_by_label("Hope and optimism about the future: note").fill(
        "Looking forward to the allotment in spring."
    )
    page.get_by_role("group", name="Hope and optimism about the future: their own rating today").get_by_label(
        "4 – good"
    ).check()
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_text("Session with Dee saved.")).to_be_visible()
    assert_accessible(page)
    timeline = page.locator(".timeline")
    expect(timeline.get_by_text("Connectedness")).to_be_visible()
    expect(timeline.get_by_text("Hope and optimism about the future")).to_be_visible()
    session = SupportSession.objects.get()
    assert sorted(a.area for a in session.areas.all()) == ["connectedness", "hope"]


def test_practitioner_edits_a_session_and_the_earlier_version_is_kept(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    SupportSessionFactory(person=person, areas=["hope"], duration_minutes=45)
    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Dee").click()
    page.locator(".timeline").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Session with Dee")).to_be_visible()
    expect(page).to_have_title("Session with Dee · CHIME to Thrive")
    assert_accessible(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Edit the session with Dee")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("How long (minutes)").fill("50")
    page.get_by_label("Hope and optimism about the future: note").fill(
        "Talked about the allotment in spring."
    )
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved. The earlier version is kept.")).to_be_visible()
    expect(page.get_by_text("Talked about the allotment in spring.")).to_be_visible()

    page.get_by_role("link", name="Earlier versions").click()
    expect(page.get_by_role("heading", name="Earlier versions")).to_be_visible()
    assert_accessible(page)
    changes = page.locator("table tbody tr")
    expect(changes.filter(has_text="A note about hope.")).to_contain_text(
        "Talked about the allotment in spring."
    )
    duration_row = changes.filter(has=page.get_by_role("rowheader", name="How long (minutes)"))
    expect(duration_row.locator(".history-before")).to_have_text("45")
    expect(duration_row.locator(".history-after")).to_have_text("50")


def test_a_session_form_with_problems_ties_each_message_to_its_field(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Kerry")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    page.get_by_label("How long (minutes)").fill("0")
    page.get_by_role("button", name="Save session").click()

    summary = page.get_by_role("alert").filter(has_text="nothing has been saved yet")
    expect(summary).to_be_focused()
    duration = page.get_by_label("How long (minutes)")
    expect(duration).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{duration.get_attribute('aria-describedby').split()[-1]}")
    expect(message).to_be_visible()
    expect(message).to_contain_text("greater than or equal to 1")
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("How long")).click()
    expect(duration).to_be_focused()
    assert not SupportSession.objects.exists()


def test_the_note_field_suggests_kinder_words_as_you_type(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Marcus")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    page.get_by_role("checkbox", name="Identity").check()
    page.get_by_label("Identity: note").fill("He said he was an addict and felt non-compliant.")
    hints = page.locator(".wording-hints").filter(has_text="try:")
    expect(hints).to_contain_text("person in recovery")
    expect(hints).to_contain_text("chose not to")


def test_a_double_click_on_save_creates_one_session(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Tom")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    page.get_by_role("checkbox", name="Meaning in life").check()
    page.get_by_label("Meaning in life: note").fill("Fixed three bikes at the community workshop.")
    page.get_by_role("button", name="Save session").dblclick()
    expect(page.get_by_text("Session with Tom saved.")).to_be_visible()
    assert SupportSession.objects.filter(person=person).count() == 1


def test_a_browser_retry_of_the_same_form_creates_one_session(page: Page, live_server, practitioner):
    person = PersonFactory(practitioner=practitioner, preferred_name="Tom")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    page.get_by_role("checkbox", name="Meaning in life").check()
    page.get_by_label("Meaning in life: note").fill("Fixed three bikes at the community workshop.")
    form = page.locator("form.session-form")
    # Replay the exact same POST twice, as a browser retry after a lost response would.
    payload = form.evaluate("f => new URLSearchParams(new FormData(f)).toString()")
    for _ in range(2):
        page.request.post(
            page.url,
            data=payload,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
        )
    assert SupportSession.objects.filter(person=person).count() == 1
