"""A facilitator records a recovery café meeting with its register, in a real Chromium, with axe on every page."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from sessions.models import Attendance, GroupMeeting
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PersonFactory, PractitionerFactory
from tests.groups import group_of, meeting_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN = ["Aisha", "Bev", "Dee", "Jamal", "Kerry", "Marcus", "Tom"]


def test_a_facilitator_logs_a_cafe_meeting_with_eight_named_three_unnamed_and_one_addendum(
    page: Page, live_server, practitioner
):
    people = {name: PersonFactory(practitioner=practitioner, preferred_name=name) for name in OWN}
    colleague = PractitionerFactory()
    cafe = group_of(practitioner, colleague, name="Thursday recovery café")
    winston = PersonFactory(practitioner=colleague, preferred_name="Winston")
    meeting_of(cafe, colleague, [winston], days_ago=7)  # last week's regular, on a colleague's caseload
    started = time.monotonic()

    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", name="Groups")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Thursday recovery café").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a meeting").click()
    expect(page.get_by_role("heading", name="Record a meeting of Thursday recovery café")).to_be_visible()
    assert_accessible(page)

    # Find someone by name: the search is posted, and keeps what was already ticked.
    page.get_by_label("Dee", exact=True).check()
    page.get_by_label("Find someone by name").fill("Win")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status")).to_contain_text("Searched for “Win”")
    expect(page.get_by_label("Dee", exact=True)).to_be_checked()
    assert "Win" not in page.url
    assert_accessible(page)

    for name in [*OWN, "Winston"]:
        page.get_by_label(name, exact=True).check()
    page.get_by_text("Add a personal addendum for Dee").click()
    page.get_by_label("Personal addendum for Dee").fill(
        "Talked about her allotment and asked about volunteering."
    )
    page.get_by_label("Came without giving a name").fill("3")
    page.get_by_label("Connectedness").check()
    page.get_by_label("Hope and optimism about the future").check()
    page.get_by_label("Group note").fill(
        "We talked about getting through the winter together, and the summer fair."
    )
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_text("Meeting of Thursday recovery café saved.")).to_be_visible()
    expect(page.locator(".attendance-total")).to_have_text("11")
    expect(page.locator(".unnamed-count")).to_have_text("3")
    expect(page.locator(".register li")).to_have_count(8)
    expect(page.get_by_text("Talked about her allotment")).to_have_count(0)
    assert_accessible(page)
    elapsed = time.monotonic() - started

    meeting = GroupMeeting.objects.latest("pk")
    assert Attendance.objects.filter(meeting=meeting).count() == 8
    assert meeting.anonymous_count == 3

    page.goto(f"{live_server.url}/people/{people['Dee'].pk}/")
    expect(page.locator(".addendum")).to_contain_text(
        "Talked about her allotment and asked about volunteering."
    )
    expect(page.locator(".group-meeting").first).to_contain_text("Group")
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/{people['Tom'].pk}/")
    expect(page.get_by_role("heading", name="Group meetings")).to_be_visible()
    expect(page.locator(".group-meeting").first).to_contain_text("Thursday recovery café")
    expect(page.get_by_text("Talked about her allotment")).to_have_count(0)
    assert_accessible(page)
    assert elapsed < 120, f"recording the meeting took {elapsed:.0f} s"


def test_a_group_note_naming_an_attendee_is_flagged_in_the_browser(page: Page, live_server, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Dee")
    cafe = group_of(practitioner)
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/groups/{cafe.pk}/meetings/new/")
    page.get_by_label("Dee", exact=True).check()
    page.get_by_label("Connectedness").check()
    page.get_by_label("Group note").fill("Dee told us about her week.")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check the form: nothing has been saved yet.")
    expect(
        page.get_by_text(re.compile(r"The group note names Dee, who is on the register")).first
    ).to_be_visible()
    assert_accessible(page)
    assert GroupMeeting.objects.filter(group=cafe).count() == 0
