"""The session form on a phone: areas open when ticked, Save stays in reach without hiding the field in focus, and a
wording hint shows once, under the field being typed in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.test_logging_a_session_is_quick import settled_scroll
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture
def form_page(page: Page, live_server, practitioner) -> Page:
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    log_in(page, live_server.url, "practitioner")
    page.goto(f"{live_server.url}/people/{person.pk}/sessions/new/")
    expect(page.get_by_role("heading", name="Log a session with Dee")).to_be_visible()
    return page


def test_only_the_areas_ticked_show_their_note_and_rating(form_page: Page):
    page = form_page
    expect(page.get_by_role("radio")).to_have_count(0)  # no rating buttons until an area is ticked
    page.get_by_role("checkbox", name="Identity").tap()
    expect(page.get_by_label("Identity: note")).to_be_focused()  # a tap puts the cursor in the note
    expect(
        page.get_by_role("group", name="Identity: their own rating today").get_by_role("radio")
    ).to_have_count(6)
    expect(page.get_by_role("radio")).to_have_count(6)
    page.get_by_role("checkbox", name="Identity").tap()
    expect(page.get_by_label("Identity: note")).to_be_hidden()  # unticked with nothing in it: closed again
    assert_accessible(page)


def test_whose_view_the_ratings_are_is_asked_only_once_a_rating_is_chosen(form_page: Page):
    page = form_page
    whose = page.get_by_role("group", name="Whose view are the ratings?")
    page.get_by_role("checkbox", name="Identity").tap()
    expect(whose).to_be_hidden()  # a note alone needs no answer about ratings
    rating = page.get_by_role("group", name="Identity: their own rating today")
    rating.get_by_label("3 – getting by").tap()
    expect(whose.get_by_role("radio")).to_have_count(3)
    expect(whose.get_by_label("Their own view")).to_be_checked()
    assert_accessible(page)
    # The draft is kept before the test ends, not while the database is being cleared.
    with page.expect_response("**/drafts/save/"):
        rating.get_by_label("No rating given").tap()
    expect(whose).to_be_hidden()


def test_an_area_with_something_written_stays_open_when_unticked_and_says_why(form_page: Page):
    page = form_page
    page.get_by_role("checkbox", name="Empowerment").tap()
    page.keyboard.insert_text("Booked her own appointment.")
    page.get_by_role("checkbox", name="Empowerment").tap()
    expect(page.get_by_label("Empowerment: note")).to_be_visible()
    area = page.locator("[data-area]").filter(has=page.get_by_role("checkbox", name="Empowerment"))
    expect(area.get_by_text("Not ticked, but something is written or chosen here")).to_be_visible()
    expect(
        page.get_by_text("Not ticked, but something is written or chosen here").filter(visible=True)
    ).to_have_count(1)


def test_save_is_in_reach_and_never_hides_the_field_in_focus(form_page: Page):
    page = form_page
    page.get_by_role("checkbox", name="Connectedness").tap()
    page.get_by_role("checkbox", name="Hope and optimism about the future").tap()
    save = page.get_by_role("button", name="Save session")
    bar = page.locator(".form-actions")
    assert save.bounding_box()["y"] + save.bounding_box()["height"] <= 667  # on the first screen, unscrolled
    page.get_by_label("How long (minutes)").focus()
    hidden = []
    for _ in range(40):  # Tab through the whole form, as a keyboard user on a small screen would
        page.keyboard.press("Tab")
        settled_scroll(page)
        focused = page.evaluate(
            "(() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
            " return {id: el.id || el.textContent.trim(), top: r.top, bottom: r.bottom,"
            " inBar: !!el.closest('.form-actions')}; })()"
        )
        if focused["inBar"]:
            break
        bar_top = bar.bounding_box()["y"]
        if focused["bottom"] > bar_top:
            hidden.append(focused)
    assert hidden == [], f"Fields partly behind the Save bar when focused: {hidden}"
    expect(save).to_be_focused()


def test_a_wording_hint_shows_once_under_the_note_being_typed_in(form_page: Page):
    page = form_page
    page.get_by_role("checkbox", name="Identity").tap()
    page.keyboard.insert_text("He said he was an addict.")
    hints = page.locator(".wording-hints").filter(has_text="try:")
    expect(hints).to_have_count(1)
    expect(page.locator("#id_identity_note-hints")).to_contain_text("person in recovery")
    status = page.get_by_role("status").filter(has_text="person in recovery")
    expect(status).to_have_count(1)  # the one live region reads it out

    page.get_by_label("What they want to do next").fill("Go to the Tuesday group.")
    page.wait_for_timeout(800)  # the next field's own check has come back, with nothing to say
    expect(hints).to_have_count(1)
    expect(page.locator("#id_next_steps-hints")).to_be_empty()
    assert page.locator("[aria-live]").count() == 0
    assert page.get_by_role("status").count() == 1
