"""A practitioner offers online access and gives an invitation; the person, on a 320-pixel phone, signs in with
it, reads a session, sees who has seen their record, withdraws a consent, asks for a copy of their record and turns
access off: in a real Chromium, axe and no sideways scrolling on every page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from chime.models import AuditEvent
from ethics.models import Consent, OnlineAccess, SubjectAccessRequest
from sessions.models import SessionArea
from sessions.services import add_goal
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import ConsentFactory, PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 320, "height": 640}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}


def _fits(page: Page) -> None:
    """Nothing scrolls sideways at 320 pixels, and the page passes axe."""
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"{page.url} scrolls sideways: {scroll_width} > {window_width}"
    assert_accessible(page)


def test_a_practitioner_invites_a_person_who_signs_in_on_a_phone_and_reads_a_session(
    page: Page, browser: Browser, live_server, practitioner
):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    add_goal(person=person, actor=practitioner, in_their_words="Walk to the park each day.", areas=["hope"])
    session = SupportSessionFactory(person=person, next_steps="Try the Tuesday walking group.", areas=[])
    SessionArea.objects.create(
        session=session, area="connectedness", note="Dee met two neighbours this week."
    )
    ConsentFactory(person=person, recipient="Riverside Housing")

    # The practitioner: offer online access, record Dee's yes, make an invitation.
    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Dee", exact=True).click()
    page.get_by_role("link", name="Online access").click()
    expect(page.get_by_role("heading", name="Reading their record online")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Said yes in a session").check()
    page.get_by_label("They have read or heard the words above, and said yes.").check()
    page.get_by_role("button", name="Record their choice").click()
    expect(page.get_by_text("Online access is on.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make an invitation").click()
    code = page.get_by_test_id("invitation-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert_accessible(page)

    # Dee, on her own phone: she types the code she was read out.
    phone = browser.new_context(**PHONE)
    dee = phone.new_page()
    dee.goto(f"{live_server.url}/me/start/")
    expect(dee.get_by_role("heading", name="Sign in to read your record")).to_be_visible()
    _fits(dee)
    dee.get_by_label("Your code").fill(code.lower().replace("-", " "))
    dee.get_by_role("button", name="Sign in").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
    expect(dee.get_by_text("Walk to the park each day.")).to_be_visible()
    _fits(dee)

    held_on = timezone.localtime(session.occurred_at)
    dee.get_by_role("link", name=f"{held_on.day} {held_on:%b %Y}", exact=True).click()  # "1 Dec 2026"
    expect(dee.get_by_text("Dee met two neighbours this week.")).to_be_visible()
    expect(dee.get_by_text("Try the Tuesday walking group.")).to_be_visible()
    _fits(dee)

    dee.get_by_role("link", name="Back to my record").click()
    dee.get_by_role("link", name="Who has seen my record").click()
    expect(dee.get_by_text("looked at your record").first).to_be_visible()
    expect(dee.get_by_text("Sam Okafor").first).to_be_visible()
    _fits(dee)

    # A staff page answers her "not found", and so does the staff side of her own record.
    dee.goto(f"{live_server.url}/people/{person.pk}/")
    expect(dee.get_by_role("heading", level=1)).to_have_text("We can’t find that page")
    dee.get_by_role("link", name="Go to your home page").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()

    dee.goto(f"{live_server.url}/me/")
    dee.get_by_role("link", name="My choices about sharing").click()
    expect(dee.get_by_role("heading", name="My choices about sharing")).to_be_visible()
    _fits(dee)
    dee.get_by_role("link", name="Riverside Housing").click()
    _fits(dee)
    dee.get_by_role("button", name="Stop sharing").click()
    expect(dee.get_by_text("Done. We will not share this any more.")).to_be_visible()
    expect(dee.get_by_text("You said stop on")).to_be_visible()
    _fits(dee)

    dee.get_by_role("link", name="Back to my record").click()
    dee.get_by_role("link", name="Ask for a copy of my record").click()
    _fits(dee)
    dee.get_by_role("button", name="Ask for a copy").click()
    expect(dee.get_by_text(re.compile("Done. We will send you a copy by"))).to_be_visible()
    _fits(dee)

    dee.get_by_role("link", name="Back to my record").click()
    dee.get_by_role("link", name="Stop reading my record online").click()
    _fits(dee)
    dee.get_by_role("button", name="Stop now").click()
    expect(dee.get_by_text("You can no longer read your record online.")).to_be_visible()
    _fits(dee)
    phone.close()

    access = OnlineAccess.objects.get()
    assert access.turned_off_by == access.account
    assert Consent.objects.current().get().status == "withdrawn"
    assert SubjectAccessRequest.objects.get().recorded_by == access.account
    assert AuditEvent.objects.filter(actor=access.account, action="view", person_id=person.pk).count() >= 2
