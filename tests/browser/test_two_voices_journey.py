"""Two voices on every session, in a real Chromium: Dee, on a 320-pixel phone, adds her own words to a session and
flags its note; her practitioner sees the flag, replies and adds a correction; the supervisor's dashboard shows the
open flag; Dee, now at 375 pixels, reads the answers and closes the flag. Axe on every page reached, and nothing
scrolls sideways on Dee's pages."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ethics.services import online_access
from sessions.models import NoteFlag, OwnWords, SessionArea
from tests.browser.a11y import assert_accessible
from tests.browser.test_person_view_journey import PHONE, _fits
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.ethics.online import give_access
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HER_WORDS = "The walk mattered most. Talking about my dad helped. Next I want to try the choir."


def test_dee_adds_her_words_and_flags_a_note_which_her_practitioner_answers_and_she_closes(
    page: Page, browser: Browser, live_server, practitioner, supervisor
):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    session = SupportSessionFactory(person=person, next_steps="Try the choir.", areas=[])
    SessionArea.objects.create(session=session, area="connectedness", note="Dee seemed low and withdrawn.")
    _, code = online_access.invite(access=give_access(person, practitioner), by=practitioner, email=False)
    held_on = timezone.localtime(session.occurred_at)
    day = f"{held_on.day} {held_on:%b %Y}"

    # Dee, on her phone: her own words, then "This does not sound like me".
    phone = browser.new_context(**PHONE)
    dee = phone.new_page()
    dee.goto(f"{live_server.url}/me/start/")
    dee.get_by_label("Your code").fill(code)
    dee.get_by_role("button", name="Sign in").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
    dee.get_by_role("link", name=day, exact=True).click()
    expect(dee.get_by_text("Dee seemed low and withdrawn.")).to_be_visible()
    _fits(dee)
    dee.get_by_role("link", name="Add my words").click()
    expect(dee.get_by_role("button", name="Save my words")).to_be_visible()
    _fits(dee)
    dee.get_by_role("button", name="Save my words").click()  # empty: told beside the box, nothing kept
    expect(dee.get_by_text("Please write something, or go back.").first).to_be_visible()
    _fits(dee)
    dee.get_by_label("In my words").fill(HER_WORDS)
    dee.get_by_role("button", name="Save my words").click()
    expect(dee.get_by_text("Saved. Your words are kept beside the notes.")).to_be_visible()
    expect(dee.get_by_text("Talking about my dad helped.")).to_be_visible()
    _fits(dee)
    dee.get_by_role("link", name="This does not sound like me").click()
    expect(dee.get_by_label("What does not sound like you?")).to_be_visible()
    _fits(dee)
    dee.get_by_label("What does not sound like you?").fill("I was not low. I was tired after a long week.")
    dee.get_by_role("button", name="Send").click()
    expect(dee.get_by_text("Sent. We have told the person who helps you.")).to_be_visible()
    expect(dee.get_by_text("Open", exact=True)).to_be_visible()
    _fits(dee)

    # Her practitioner: the flag on the caseload and the person page, then a reply and a correction.
    log_in(page, live_server.url, "practitioner")
    expect(page.get_by_text("Open flag on a note")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_text(HER_WORDS)).to_be_visible()  # beside the session, marked as hers
    expect(page.get_by_text("Dee flagged this note: open")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=day, exact=True).click()
    expect(page.get_by_role("heading", name="In Dee’s words")).to_be_visible()
    expect(page.get_by_text("Talking about my dad helped.")).to_be_visible()
    expect(page.get_by_text("I was not low. I was tired after a long week.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Reply or add a correction").click()
    expect(page.get_by_label("A reply to them")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A reply to them").check()
    page.get_by_label("Your words").fill("Thank you for telling me. I have added a correction.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. They will see it in their own view.")).to_be_visible()
    page.get_by_role("link", name="Reply or add a correction").click()
    page.get_by_label("A correction, shown beside the note").check()
    page.get_by_label("Your words").fill("Dee was tired after a long week, not low.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Dee was tired after a long week, not low.")).to_be_visible()
    expect(page.get_by_text("Dee seemed low and withdrawn.")).to_be_visible()  # the note is kept as written
    assert_accessible(page)
    log_out(page)

    # The supervisor: the open flag on the dashboard opens the session.
    log_in(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/team/")
    flagged = page.get_by_role("link", name=f"Dee: session on {day}")
    expect(flagged).to_be_visible()
    assert_accessible(page)
    flagged.click()
    expect(page.get_by_text("Dee was tired after a long week, not low.")).to_be_visible()
    # The supervisor reads the thread but does not answer it.
    expect(page.get_by_role("link", name="Reply or add a correction")).to_have_count(0)
    assert_accessible(page)

    # Dee, at 375 pixels: reads the reply and the correction, and closes the flag.
    dee.set_viewport_size({"width": 375, "height": 700})
    dee.reload()
    expect(dee.get_by_text("Thank you for telling me. I have added a correction.")).to_be_visible()
    expect(dee.get_by_text("Dee was tired after a long week, not low.")).to_be_visible()
    _fits(dee)
    dee.get_by_role("button", name="Close this").click()
    expect(dee.get_by_text("Closed. Everything that was said is kept.")).to_be_visible()
    expect(dee.get_by_text("Closed", exact=True)).to_be_visible()
    _fits(dee)
    phone.close()

    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_text("No open flags on your team’s notes.")).to_be_visible()
    assert OwnWords.objects.get().words == HER_WORDS
    flag = NoteFlag.objects.get()
    assert [step.kind for step in flag.steps.all()] == ["flag", "reply", "correction", "closed"]
