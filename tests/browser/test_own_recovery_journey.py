"""The person checks in on their own recovery, works on their own goals and fills in the next QPR-15 alone, on a
320-pixel phone; the practitioner sees each on their side. In a real Chromium, axe and no sideways scrolling on
every page reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ethics.services import online_access
from sessions.models import CheckIn, GoalStep, MeasureResponse, SessionArea, View
from sessions.services import add_goal, record_measure
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.ethics.online import give_access
from tests.factories import PersonFactory, SupportSessionFactory, qpr15_measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 320, "height": 640}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}
SMALL = {"viewport": {"width": 375, "height": 740}, "locale": "en-GB"}


def _fits(page: Page) -> None:
    """Nothing scrolls sideways, and the page passes axe."""
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"{page.url} scrolls sideways: {scroll_width} > {window_width}"
    assert_accessible(page)


def _dee_on_her_phone(browser: Browser, live_server, practitioner) -> tuple[Page, object]:
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    dee = browser.new_context(**PHONE).new_page()
    dee.goto(f"{live_server.url}/me/start/")
    dee.get_by_label("Your code").fill(code)
    dee.get_by_role("button", name="Sign in").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
    return dee, person


def _practitioner_opens_dee(browser: Browser, live_server) -> Page:
    page = browser.new_context(**SMALL).new_page()
    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_role("heading", name="Dee", level=1)).to_be_visible()
    return page


def test_the_person_checks_in_on_a_phone_and_the_practitioner_sees_it_apart_from_session_ratings(
    browser: Browser, live_server, practitioner
):
    dee, person = _dee_on_her_phone(browser, live_server, practitioner)
    session = SupportSessionFactory(
        person=person, areas=[], occurred_at=timezone.now() - dt.timedelta(days=2)
    )
    SessionArea.objects.create(session=session, area="hope", note="Talked about the course.", rating=2)
    _fits(dee)

    dee.get_by_role("link", name="Check in", exact=True).click()
    expect(dee.get_by_role("heading", name="Check in", level=1)).to_be_visible()
    _fits(dee)
    dee.locator("#id_hope_rating_3").check()  # 4 - good
    dee.locator("#id_hope_words").fill("Started the course.")
    dee.locator("#id_connectedness_rating_4").check()  # 5 - really good
    dee.get_by_role("button", name="Save my check-in").click()
    expect(dee.get_by_text("Your check-in is saved.")).to_be_visible()
    expect(dee.locator("p.chart-title", has_text="My check-ins, by month")).to_be_visible()
    expect(dee.locator("p.chart-title", has_text="What I said in sessions, by month")).to_be_visible()
    _fits(dee)
    assert sorted(CheckIn.objects.filter(person=person).values_list("area", "rating")) == [
        ("connectedness", 5),
        ("hope", 4),
    ]

    staff = _practitioner_opens_dee(browser, live_server)
    expect(
        staff.locator("p.chart-title", has_text="Their own check-ins (not in sessions), by month")
    ).to_be_visible()
    expect(
        staff.locator("p.chart-title", has_text="Their own ratings given in sessions, by month")
    ).to_be_visible()
    expect(staff.locator(".latest-check-ins")).to_contain_text("In their words: “Started the course.”")
    expect(staff.locator(".latest-check-ins .badge").first).to_have_text("New")
    _fits(staff)


def test_the_person_adds_a_goal_and_marks_a_step_done_and_the_practitioner_sees_the_change(
    browser: Browser, live_server, practitioner
):
    dee, person = _dee_on_her_phone(browser, live_server, practitioner)
    dee.get_by_role("link", name="Add or change my goals").click()
    expect(dee.get_by_role("heading", name="My goals")).to_be_visible()
    _fits(dee)
    dee.get_by_role("link", name="Add a goal").click()
    expect(dee.get_by_label("My goal, in my words")).to_be_visible()
    _fits(dee)
    dee.get_by_label("My goal, in my words").fill("Go back to swimming.")
    dee.get_by_label("Hope and optimism about the future").check()
    dee.get_by_role("button", name="Save my goal").click()
    expect(dee.get_by_text("Your goal is saved.")).to_be_visible()
    dee.get_by_role("link", name="Add a step to this goal").click()
    expect(dee.get_by_label("A step towards it")).to_be_visible()
    _fits(dee)
    dee.get_by_label("A step towards it").fill("Find the pool's times.")
    dee.get_by_role("button", name="Save my step").click()
    expect(dee.get_by_text("Your step is saved.")).to_be_visible()
    dee.locator(".my-steps").get_by_role("button", name="Mark as done").click()
    expect(dee.get_by_text("Well done. The step is marked as done.")).to_be_visible()
    expect(dee.locator(".my-steps").get_by_role("button", name="Mark as not done")).to_be_visible()
    _fits(dee)
    assert GoalStep.objects.get(goal__plan__person=person).done_on == timezone.localdate()

    staff = _practitioner_opens_dee(browser, live_server)
    staff.get_by_role("link", name="Open the plan to add or change goals").click()
    expect(staff.get_by_text("Go back to swimming.")).to_be_visible()
    expect(staff.locator(".changed-by-person")).to_contain_text("Changed by Dee in their own view on")
    expect(staff.locator(".steps")).to_contain_text("Done")
    _fits(staff)


def test_the_person_fills_in_the_next_qpr15_alone_and_the_practitioner_sees_it(
    browser: Browser, live_server, practitioner
):
    qpr15 = qpr15_measure()
    dee, person = _dee_on_her_phone(browser, live_server, practitioner)
    first_on = timezone.localdate() - dt.timedelta(weeks=13)
    add_goal(person=person, actor=practitioner, in_their_words="Go back to swimming.", areas=["hope"])
    record_measure(  # the first, done together with the practitioner at the start
        person=person,
        measure=qpr15,
        actor=practitioner,
        answers=[2] * 15,
        view=View.AGREED,
        occasion="start",
        taken_on=first_on,
    )
    dee.reload()
    expect(dee.get_by_text("You can fill this in if you want.")).to_be_visible()
    _fits(dee)
    dee.get_by_role("link", name="Fill it in").click()
    expect(dee.get_by_role("heading", name="A short questionnaire")).to_be_visible()
    _fits(dee)
    for n in range(1, 16):
        dee.locator(f'input[name="item_{n}"][value="3"]').check()
    dee.get_by_role("button", name="Save my answers").click()
    expect(dee.get_by_text("Your answers are saved.")).to_be_visible()
    expect(dee.get_by_text("You can fill this in if you want.")).to_have_count(0)
    expect(dee.locator(".my-scores")).to_contain_text("45")
    _fits(dee)
    latest = MeasureResponse.objects.filter(person=person).latest("pk")
    assert (latest.view, latest.occasion, latest.total) == (View.OWN, "review", 45)

    staff = _practitioner_opens_dee(browser, live_server)
    table = staff.locator(".measure-table")
    expect(table).to_contain_text("Their own view")
    expect(table).to_contain_text("45")
    _fits(staff)
