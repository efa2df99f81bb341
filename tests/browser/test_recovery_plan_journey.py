"""A practitioner builds a recovery plan with Dee and completes a QPR-15 with her in a session; Dee's page shows
the plan and the score. At desktop and phone widths: axe passes, nothing scrolls sideways and no table is cut off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sessions.models import MeasureResponse, RecoveryGoal
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PersonFactory, qpr15_measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True},
}


@pytest.fixture(params=SCREENS)
def screen(request) -> dict:
    return SCREENS[request.param]


@pytest.fixture
def browser_context_args(browser_context_args, screen):
    return {**browser_context_args, **screen}


def assert_fits(page: Page, width: int) -> None:
    """Nothing scrolls sideways, and no table is wider than the box it sits in (which would cut it off)."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px in {width}px"
    clipped = page.evaluate(
        """[...document.querySelectorAll('main table')].filter(t => {
             const box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
             return r.right > box.right + 1 || r.right > window.innerWidth + 1;
           }).map(t => t.className)"""
    )
    assert clipped == [], f"{page.url}: tables cut off: {clipped}"
    assert_accessible(page)


def test_a_plan_and_a_qpr15_built_together_show_on_the_person_page(
    page: Page, live_server, screen, practitioner
):
    width = screen["viewport"]["width"]
    qpr15_measure()
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_role("heading", name="Their recovery plan")).to_be_visible()
    assert_fits(page, width)

    page.get_by_role("link", name="Open the plan to add or change goals").click()
    page.get_by_role("link", name="Add a goal").click()
    assert_fits(page, width)
    page.get_by_label("The goal, in their words").fill("Cook for friends again.")
    page.get_by_label("Connectedness", exact=True).check()
    page.get_by_label("A first step (optional): what").fill("Pick a recipe with Sam.")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_text("Goal added to the plan.")).to_be_visible()
    assert_fits(page, width)

    page.get_by_role("link", name="Dee").first.click()
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("How long (minutes)").fill("45")
    page.get_by_role("checkbox", name="Connectedness", exact=True).check()  # its note opens under it
    page.get_by_label("Connectedness: note").fill("Planned the meal together.")
    page.get_by_label("Cook for friends again.").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session with Dee saved.")).to_be_visible()

    page.get_by_role("link", name="Offer it (QPR-15)").click()
    expect(
        page.get_by_role("heading", name="Questionnaire about the Process of Recovery (15 items)")
    ).to_be_visible()
    assert_fits(page, width)
    for number in range(1, 16):
        page.locator(f"#id_item_{number}_3").check()  # 3: "Agree"
    page.get_by_label("Agreed together").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("QPR-15 saved: 45 out of 60.")).to_be_visible()

    expect(page.locator(".chart-title", has_text="QPR-15 totals over time (agreed together)")).to_be_visible()
    expect(page.locator(".measure-table")).to_contain_text("45")
    expect(page.locator(".goals")).to_contain_text("Worked on in 1 session")
    assert_fits(page, width)
    page.goto(f"{live_server.url}/insights/")  # the organisation's month-by-month table fits too
    expect(page.locator(".month-table")).to_contain_text("so far")
    assert_fits(page, width)
    goal = RecoveryGoal.objects.get(plan__person=dee)
    assert goal.sessions.count() == 1 and MeasureResponse.objects.get(person=dee).total == 45
