"""Signposting on a phone (375 px), in a real Chromium with axe on every page: an admin adds a service to the
directory, a practitioner signposts a session to it from the collapsed "Signposting" area, and the report counts it
under its kind of service. Nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sessions.models import DirectoryService, SessionSignpost, SupportSession
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.browser.test_small_screens import SCREENS, assert_fits_and_accessible, open_menu
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = SCREENS["phone"]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


def test_an_admin_adds_a_service_a_practitioner_signposts_to_it_and_the_report_counts_its_kind(
    page: Page, live_server, admin_user, practitioner
):
    width = PHONE["viewport"]["width"]
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    log_in(page, live_server.url, "admin")
    page.get_by_role("link", name="the signposting directory").click()
    expect(page.get_by_role("heading", name="Signposting directory")).to_be_visible()
    assert_fits_and_accessible(page, width)
    page.get_by_role("link", name="Add a service").click()
    page.get_by_role("button", name="Add the service").click()  # nothing filled in: told beside the field
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    assert_fits_and_accessible(page, width)
    page.get_by_label("Name").fill("Riverside Housing Options")
    page.get_by_label("Kind of service").select_option(label="Housing")
    page.get_by_label("Phone (optional)").fill("01632 960 201")
    page.get_by_role("button", name="Add the service").click()
    expect(page.get_by_text("“Riverside Housing Options” is in the directory")).to_be_visible()
    expect(page.get_by_role("heading", name="Housing")).to_be_visible()
    assert_fits_and_accessible(page, width)
    open_menu(page)
    log_out(page)

    # Four earlier sessions signposted there, so the practitioner's makes five: a figure the report shows.
    service = DirectoryService.objects.get()
    for name in ("Ana", "Ben", "Cat", "Dev"):
        earlier = SupportSessionFactory(person=PersonFactory(practitioner=practitioner, preferred_name=name))
        SessionSignpost.objects.create(session=earlier, service=service)

    log_in(page, live_server.url, "practitioner")
    page.get_by_role("link", name="Dee", exact=True).first.click()
    page.get_by_role("link", name="Log a session").click()
    page.get_by_role("checkbox", name="Connectedness").check()
    page.get_by_label("Connectedness: note").fill("Talked about the flat and the neighbours.")
    signposting = page.locator("details.signposting")
    expect(signposting.get_by_role("checkbox", name="Riverside Housing Options")).to_be_hidden()  # collapsed
    page.get_by_text("Signposting", exact=True).click()
    signposting.get_by_role("checkbox", name="Riverside Housing Options").check()
    page.get_by_label("Somewhere else (type it)").fill("Citizens Advice")
    assert_fits_and_accessible(page, width)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session with Dee saved.")).to_be_visible()
    expect(page.get_by_text("Signposted to Riverside Housing Options")).to_be_visible()
    assert_fits_and_accessible(page, width)
    session = SupportSession.objects.get(person=dee)
    assert [s.name for s in session.signposted_services.all()] == ["Riverside Housing Options"]
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    expect(page.locator(".signposted-services")).to_have_text(
        "Riverside Housing Options (Housing), Citizens Advice"
    )
    assert_fits_and_accessible(page, width)
    open_menu(page)
    log_out(page)

    log_in(page, live_server.url, "admin")
    page.get_by_role("link", name="Reports for commissioners").click()
    today = timezone.localdate()
    page.get_by_label("From").fill(f"{today - dt.timedelta(days=30):%Y-%m-%d}")
    page.get_by_label("To (inclusive)").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="Show the report").click()
    housing = page.locator("tr").filter(
        has=page.get_by_role("rowheader", name="Housing: sessions", exact=True)
    )
    expect(housing).to_contain_text("5")
    typed = page.locator("tr").filter(
        has=page.get_by_role("rowheader", name="Somewhere else (typed): sessions", exact=True)
    )
    expect(typed).to_contain_text("fewer than 5")
    assert_fits_and_accessible(page, width)
