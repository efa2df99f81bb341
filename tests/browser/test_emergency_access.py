"""A practitioner uses emergency access; the person's practitioner's supervisor closes the review."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ethics.models import EmergencyAccess, EmergencySearch
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_emergency_access_is_declared_used_and_reviewed(
    page: Page, live_server, other_practitioner, practitioner, supervisor
):
    PersonFactory(practitioner=practitioner, preferred_name="Aisha", strengths="Creative and determined.")
    log_in(page, live_server.url, "other")
    page.get_by_role("link", name="Emergency access").click()
    assert_accessible(page)
    # The declaration comes first: nothing on this page says whether Aisha is supported here, or by whom.
    page.get_by_label("Name of the person").fill("Aisha")
    page.get_by_label("Risk of harm to the person", exact=True).check()
    page.get_by_label("Why do you need this record now?").fill(
        "Her sister called: Aisha has gone missing and said goodbye. I need her contacts."
    )
    page.get_by_role("button", name="Declare and find the person").click()
    expect(page.get_by_role("heading", name="Pick the person")).to_be_visible()
    assert "Aisha" not in page.url and practitioner.name not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Open the record of Aisha").click()
    expect(page.get_by_text("Emergency access.", exact=True)).to_be_visible()
    expect(page.get_by_text("Creative and determined.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server.url, "supervisor")
    page.get_by_role("link", name="Notifications").click()
    assert_accessible(page)
    page.get_by_role("link", name="Emergency access to a record was used and needs review").click()
    assert_accessible(page)
    page.get_by_label("Justified", exact=True).check()
    page.get_by_label("Notes (optional)").fill("Appropriate. Discussed with Priya.")
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    assert_accessible(page)
    assert EmergencyAccess.objects.get().reviewed_by == supervisor


def test_a_declaration_that_finds_nobody_says_so_and_is_kept(page: Page, live_server, other_practitioner):
    log_in(page, live_server.url, "other")
    page.get_by_role("link", name="Emergency access").click()
    page.get_by_label("Name of the person").fill("Zephyr")
    page.get_by_label("Urgent safeguarding concern", exact=True).check()
    page.get_by_label("Why do you need this record now?").fill(
        "A caller says Zephyr is in danger at home now."
    )
    page.get_by_role("button", name="Declare and find the person").click()
    expect(page.get_by_text("No one matches that name. Your declaration has been recorded.")).to_be_visible()
    assert_accessible(page)
    assert EmergencySearch.objects.get().name_sought == "Zephyr"
