"""The main pages on a phone and at 200% zoom: nothing scrolls sideways, the menu collapses and still works, and axe
still passes. 640 CSS pixels at device scale 2 is what a 1280-pixel-wide window shows at 200% zoom."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.ethics.safeguarding import raise_concern, urgency
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "phone": {
        "viewport": {"width": 375, "height": 667},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


@pytest.fixture(params=SCREENS)
def screen(request) -> dict:
    return SCREENS[request.param]


@pytest.fixture
def browser_context_args(browser_context_args, screen):
    return {**browser_context_args, **screen}


def assert_fits_and_accessible(page: Page, width: int) -> None:
    page.wait_for_load_state("load")  # measure with every stylesheet applied
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert window_width == width, f"{page.url}: the window is {window_width}px wide, not {width}px"
    assert scroll_width <= window_width, f"{page.url} scrolls sideways: {scroll_width}px in {window_width}px"
    assert_accessible(page)


def open_menu(page: Page) -> None:
    """Press "Show menu" and wait until the menu has finished opening (Bootstrap animates it)."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Show menu").click()
    expect(nav.get_by_role("button", name="Show menu")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()


def open_menu_link(page: Page, name: str) -> None:
    """The navigation is collapsed behind one button at these widths: open it, then follow a link."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    expect(link).to_be_hidden()
    open_menu(page)
    link.click()


def test_main_pages_fit_a_small_screen_and_stay_accessible(
    page: Page, live_server, screen, practitioner, supervisor
):
    width = screen["viewport"]["width"]
    urgency("standard")
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    SupportSessionFactory(person=dee, areas=["hope", "connectedness", "identity"])
    concern = raise_concern(dee, level="standard")

    log_in(page, live_server.url, "practitioner")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.get_by_role("link", name="Dee", exact=True).click()
    expect(page.get_by_role("heading", name="Dee", exact=True)).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", name="Log a session with Dee")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.goto(f"{live_server.url}/people/{dee.pk}/concerns/new/")
    expect(page.get_by_role("heading", name="Raise a safeguarding concern about Dee")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.goto(f"{live_server.url}/safeguarding/concerns/{concern.pk}/")
    assert_fits_and_accessible(page, width)
    open_menu(page)
    log_out(page)

    log_in(page, live_server.url, "supervisor")
    open_menu_link(page, "My team")
    expect(page.get_by_role("heading", name="Team dashboard")).to_be_visible()
    assert_fits_and_accessible(page, width)
    open_menu_link(page, "Safeguarding")
    expect(page.locator("tbody tr").filter(has_text="Dee")).to_be_visible()
    assert_fits_and_accessible(page, width)


def test_the_staff_pages_fit_a_small_screen_and_stay_accessible(
    page: Page, live_server, screen, admin_user, practitioner
):
    from chime.accounts import staff

    width = screen["viewport"]["width"]
    staff.change_staff_account(by=admin_user, account=practitioner, is_safeguarding_lead=True)
    log_in(page, live_server.url, "admin")
    open_menu_link(page, "Staff accounts")
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.get_by_role("link", name="practitioner", exact=True).click()
    expect(page.get_by_role("heading", name="History of this account")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.goto(f"{live_server.url}/staff/requests/")
    expect(page.get_by_role("heading", name="Changes awaiting approval")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.goto(f"{live_server.url}/staff/new/")
    expect(page.get_by_role("heading", name="Add a member of staff")).to_be_visible()
    assert_fits_and_accessible(page, width)


def test_the_import_page_and_its_check_fit_a_small_screen_and_stay_accessible(
    page: Page, live_server, screen, admin_user, practitioner, tmp_path
):
    width = screen["viewport"]["width"]
    upload = tmp_path / "people.csv"
    upload.write_text(
        "name,practitioner,support_started,chose_to_take_part\n"
        "Dee Longname-Hyphenated-Person,practitioner,2025-01-15,yes\n"
        ",practitioner,2025-01-15,yes\n",
        encoding="utf-8",
    )
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/people/import/")
    expect(page.get_by_role("heading", name="Import people and caseloads")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(upload)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 rows: 1 person to add")).to_be_visible()
    assert_fits_and_accessible(page, width)


def test_the_group_pages_fit_a_small_screen_and_stay_accessible(
    page: Page, live_server, screen, practitioner
):
    from tests.groups import brief_contact, group_of, meeting_of

    width = screen["viewport"]["width"]
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    cafe = group_of(practitioner)
    meeting = meeting_of(cafe, practitioner, [dee], anonymous=3, addenda={dee.pk: "Spoke about college."})
    brief_contact(practitioner, signposted_to="Citizens Advice")
    log_in(page, live_server.url, "practitioner")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    for url in (
        "/groups/",
        f"/groups/{cafe.pk}/",
        f"/groups/{cafe.pk}/meetings/new/",
        f"/meetings/{meeting.pk}/",
        "/brief-contacts/",
        "/brief-contacts/new/",
        f"/people/{dee.pk}/",
    ):
        page.goto(f"{live_server.url}{url}")
        assert_fits_and_accessible(page, width)
