"""A second admin approves an erasure for someone with a safeguarding concern: the page says beforehand what the
concern's hold will keep, and afterwards what it kept, under which hold, owned by whom and until when."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ethics.services import rights
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.ethics.safeguarding import raise_concern
from tests.factories import AdminFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_second_admin_sees_what_a_safeguarding_hold_keeps_through_an_erasure(
    page: Page, live_server, admin_user, practitioner
):
    AdminFactory(username="second-admin", first_name="Bo", last_name="Lee")
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    concern = raise_concern(dee)
    erasure = rights.record_erasure_request(person=dee, recorded_by=admin_user)
    rights.decide_erasure(request=erasure, decided_by=admin_user, agree=True)

    log_in(page, live_server.url, "second-admin")
    page.get_by_role("link", name="People’s rights").click()
    page.get_by_role("link", name="Dee").click()
    kept = page.get_by_role("region", name="Kept under a safeguarding hold if the record is erased")
    expect(kept).to_contain_text(f"Safeguarding concern {concern.pk}: kept under legal retention")
    expect(kept).to_contain_text(f"owner {practitioner.name}")
    assert_accessible(page)

    page.get_by_role("button", name="Approve and erase").click()
    expect(page.get_by_text("The erasure has been carried out.")).to_be_visible()
    kept = page.get_by_role("region", name="Kept under a safeguarding hold", exact=True)
    expect(kept).to_contain_text("(about Dee)")
    expect(kept).to_contain_text("safeguarding concerns (1)")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
