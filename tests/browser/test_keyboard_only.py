"""Log in and log a session with the keyboard alone: no mouse, no clicks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sessions.models import SupportSession
from tests.factories import TEST_PASSWORD, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Page, description: str, is_target: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the JS predicate `is_target` (on `el`), as a keyboard user would,
    and check the user can see where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({is_target}); }})()"):
            assert_focus_visible(page, description)
            return
    raise AssertionError(f"Could not reach {description} with the Tab key")


def assert_focus_visible(page: Page, description: str) -> None:
    """The focused element draws a solid outline at least 2px wide (chime.css gives every :focus-visible one)."""
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert style[0] != "none" and style[1] >= 2, f"No visible focus on {description}: {style}"


def test_a_practitioner_logs_a_session_with_the_keyboard_alone(page: Page, live_server, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Kerry")
    page.goto(f"{live_server.url}/login/")
    tab_to(page, "the username field", "el.id === 'id_username'")
    page.keyboard.type("practitioner")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    tab_to(page, "Kerry's link", "el.textContent.trim() === 'Kerry'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kerry", exact=True)).to_be_visible()
    tab_to(page, "Log a session", "el.textContent.trim() === 'Log a session'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log a session with Kerry")).to_be_visible()

    tab_to(page, "the Empowerment tick box", "el.value === 'empowerment'")
    page.keyboard.press("Space")  # ticking opens its note; the focus stays on the box
    page.keyboard.press("Tab")
    expect(page.get_by_label("Empowerment: note")).to_be_focused()
    page.keyboard.type("Booked her own GP appointment for the first time.")
    page.keyboard.press("Tab")  # into the rating radio group
    page.keyboard.press("ArrowRight")  # 1 – really hard
    page.keyboard.press("ArrowRight")  # 2
    page.keyboard.press("ArrowRight")  # 3
    page.keyboard.press("ArrowRight")  # 4 – good
    tab_to(page, "the save button", "el.textContent.trim() === 'Save session'")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Session with Kerry saved.")).to_be_visible()
    area = SupportSession.objects.get().areas.get()
    assert (area.area, area.rating) == ("empowerment", 4)
