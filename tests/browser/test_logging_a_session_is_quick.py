"""Logging the demo session (two CHIME areas, a rating for each) on a desk and on a phone: how many taps and how much
scrolling it takes. The journey counts every click or tap it makes (a tap into a field before typing counts too) and
every pixel the page scrolls, including the scrolling the browser does to bring the next field into view."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from sessions.models import SupportSession
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desk": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 375, "height": 667},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=SCREENS)
def screen(request) -> str:
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, screen):
    return {**browser_context_args, **SCREENS[screen]}


@dataclass
class Journey:
    """What a person does, counted: taps (clicks on a desk), and the distance scrolled in screens."""

    page: Page
    touch: bool
    taps: int = 0
    scrolled_px: float = 0
    form_screens: float = 0

    def _y(self) -> float:
        return self.page.evaluate("window.scrollY")

    def tap(self, target: Locator, *, navigates: bool = False) -> None:
        before = self._y()
        target.scroll_into_view_if_needed()
        self.scrolled_px += abs(self._y() - before)
        before = self._y()
        self.taps += 1
        if navigates:
            with self.page.expect_navigation():
                self._press(target)
            return
        self._press(target)
        self.page.wait_for_timeout(50)  # anything the tap moved (focus, a revealed note) settles
        self.scrolled_px += abs(self._y() - before)

    def _press(self, target: Locator) -> None:
        if self.touch:
            target.tap()
        else:
            target.click()

    def type_in(self, target: Locator, text: str) -> None:
        """Tap into a field, then type (replacing what it held, as selecting it and typing over would)."""
        self.tap(target)
        target.fill(text)

    def type_here(self, text: str) -> None:
        """Type where the cursor already is (no tap)."""
        self.page.keyboard.insert_text(text)

    def measure_form(self) -> None:
        self.form_screens = self.page.evaluate("document.documentElement.scrollHeight / window.innerHeight")

    @property
    def screens_scrolled(self) -> float:
        return self.scrolled_px / self.page.viewport_size["height"]


# Measured on 1 December 2026, before the form changed (commit ce89dcd): the same journey through today's pages.
# On the phone the first person's name on the caseload ended 710px down, below the first screen (667px).
BEFORE = {
    "desk": {"taps": 8, "screens_scrolled": 2.40, "form_screens": 3.40, "first_person_ends": 432},
    "phone": {"taps": 8, "screens_scrolled": 4.94, "form_screens": 5.60, "first_person_ends": 710},
}


def log_the_demo_session(page: Page, journey: Journey) -> None:
    """Dee's session: 45 minutes, Connectedness and Hope and optimism about the future, a rating for each."""
    journey.tap(page.get_by_role("link", name="Dee", exact=True), navigates=True)
    journey.tap(page.get_by_role("link", name="Log a session"), navigates=True)
    expect(page.get_by_role("heading", name="Log a session with Dee")).to_be_visible()
    journey.type_in(page.get_by_label("How long (minutes)"), "45")
    journey.type_in(page.get_by_label("Connectedness: note"), "Came to the Tuesday group and stayed for tea.")
    journey.tap(
        page.get_by_role("group", name="Connectedness: their own rating today").get_by_label("3 – getting by")
    )
    journey.type_in(
        page.get_by_label("Hope and optimism about the future: note"),
        "Looking forward to the allotment in spring.",
    )
    journey.tap(page.get_by_role("group", name="Hope: their own rating today").get_by_label("4 – good"))
    journey.measure_form()
    journey.tap(page.get_by_role("button", name="Save session"), navigates=True)


def test_logging_the_demo_session_takes_fewer_taps_and_less_scrolling_than_before(
    page: Page, live_server, practitioner, screen
):
    PersonFactory(practitioner=practitioner, preferred_name="Dee")
    log_in(page, live_server.url, "practitioner")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.wait_for_load_state("load")
    journey = Journey(page, touch=bool(SCREENS[screen].get("has_touch")))
    first_person = page.get_by_role("link", name="Dee", exact=True).bounding_box()
    print(
        f"\n{screen}: Dee's name on the caseload ends {first_person['y'] + first_person['height']:.0f}px down"
    )

    log_the_demo_session(page, journey)

    expect(page.get_by_text("Session with Dee saved.")).to_be_visible()
    session = SupportSession.objects.get()
    assert sorted((a.area, a.rating) for a in session.areas.all()) == [("connectedness", 3), ("hope", 4)]
    print(
        f"\n{screen}: {journey.taps} taps, {journey.screens_scrolled:.2f} screens scrolled, "
        f"form {journey.form_screens:.2f} screens tall"
    )
