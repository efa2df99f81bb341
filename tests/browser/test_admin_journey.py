"""The admin's journeys in a real Chromium: a subject access request (handled by the data protection lead), an
erasure approved by a second admin, and the commissioners' report with its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ethics.models import ErasureRequest, SubjectAccessRequest
from sessions.models import Person
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in, log_out
from tests.factories import AdminFactory, PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_records_a_subject_access_request_and_the_data_protection_lead_gathers_releases_and_closes_it(
    page: Page, live_server, admin_user, data_protection_lead, practitioner
):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee", strengths="Green fingers.")
    SupportSessionFactory(person=dee, areas=["hope"])
    log_in(page, live_server.url, "admin")
    page.get_by_role("link", name="People directory").click()
    page.get_by_label("Name").fill("Dee")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Rights for Dee").click()
    page.get_by_role("link", name="Record a subject access request").click()
    expect(page.get_by_role("heading", name="Record a subject access request")).to_be_visible()
    page.get_by_label("Someone acting for them, with their authority").check()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_label("If someone acting for them: their name")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)
    page.get_by_label("If someone acting for them: their name").fill("Lorna Hill")
    page.get_by_label("Their relationship to the person").fill("sister")
    page.get_by_label("How identity was checked").select_option(
        label="Their written authority seen, and the representative's identity"
    )
    page.get_by_label("About the check (optional)").fill("Signed letter; Lorna's passport.")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Subject access request recorded.")).to_be_visible()
    expect(page.get_by_text("The data protection lead handles these.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server.url, "dpl")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dee").click()
    expect(page.get_by_text("Lorna Hill (sister)")).to_be_visible()
    page.get_by_role("button", name="Gather the pack").click()
    expect(page.get_by_text("The pack has been gathered.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Pack gathered").click()
    expect(page.get_by_role("heading", name="Everything CHIME to Thrive held about Dee")).to_be_visible()
    # Twice: the session's area, and its first version in the history table (the pack shows both).
    expect(page.get_by_text("A note about hope.")).to_have_count(2)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    copy = json.loads(download.value.path().read_text())
    assert copy["person_id"] == dee.pk
    assert "A note about hope." in json.dumps(copy["sections"])

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dee").click()
    page.get_by_role("button", name="Record it as released").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Record it as released").click()
    page.get_by_role("button", name="Close the request").click()
    expect(page.get_by_text("The request is closed.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why re-open it").fill("Lorna says the 2025 sessions are missing.")
    page.get_by_role("button", name="Re-open the request").click()
    expect(page.get_by_text("The request is open again.")).to_be_visible()
    expect(page.get_by_text("Lorna says the 2025 sessions are missing.")).to_be_visible()
    assert_accessible(page)

    sar = SubjectAccessRequest.objects.get()
    assert (sar.state, sar.packs.get().released_how) == ("received", "post")


def test_admin_records_an_erasure_and_a_second_admin_approves_it(
    page: Page, live_server, admin_user, practitioner
):
    AdminFactory(username="second-admin", first_name="Bo", last_name="Lee")
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee", strengths="Green fingers.")
    log_in(page, live_server.url, "admin")

    page.get_by_role("link", name="People directory").click()
    page.get_by_label("Name").fill("Dee")
    page.get_by_role("button", name="Find").click()
    assert_accessible(page)
    page.get_by_role("link", name="Rights for Dee").click()
    expect(page.get_by_role("heading", name="Dee", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record an erasure request").click()
    expect(page.get_by_role("heading", name="Erasure request")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Refuse").check()
    page.get_by_role("button", name="Record the decision").click()
    exception = page.get_by_label("If refusing: which exception applies")
    expect(exception).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("A refusal must say which exception applies.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agree to erase (a second admin must approve)").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Waiting for a second admin to approve.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Approve and erase")).to_have_count(0)
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server.url, "second-admin")
    page.get_by_role("link", name="People’s rights").click()
    assert_accessible(page)
    page.get_by_role("link", name="Dee").click()
    page.get_by_role("button", name="Approve and erase").click()
    expect(page.get_by_text("The erasure has been carried out.")).to_be_visible()
    assert_accessible(page)

    dee.refresh_from_db()
    assert dee.erased_at is not None and dee.strengths == ""
    erasure = ErasureRequest.objects.get()
    assert (erasure.decided_by, erasure.approved_by.username) == (admin_user, "second-admin")
    assert not Person.objects.filter(preferred_name="Dee").exists()


def test_admin_reads_the_commissioners_report_and_downloads_it_as_csv(
    page: Page, live_server, admin_user, practitioner
):
    today = timezone.localdate()
    for name in ("Ana", "Ben", "Cat", "Dev", "Eve", "Fin"):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner, preferred_name=name))
    log_in(page, live_server.url, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Report for commissioners")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From").fill(f"{today - dt.timedelta(days=30):%Y-%m-%d}")
    page.get_by_label("To (inclusive)").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="Show the report").click()
    sessions_row = page.locator("tr").filter(has=page.get_by_role("rowheader", name="Sessions", exact=True))
    expect(sessions_row).to_contain_text("6")
    expect(page.get_by_text("Ana")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0] == ["section", "figure", "value", "previous period", "definition"]
    assert ["Summary", "Sessions", "6", "fewer than 5"] in [row[:4] for row in rows]
    assert not any("Ana" in cell for row in rows for cell in row)


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_admins_long_menu_wraps_rather_than_widening_the_page(page: Page, live_server, admin_user, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server.url, "admin")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff accounts")
    ).to_be_visible()
    page.wait_for_load_state("load")  # measure with every stylesheet applied
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"the page scrolls sideways: {scroll_width}px in {window_width}px"


def test_admin_lifts_a_sign_in_pause_once_they_know_it_was_the_practitioner(
    page: Page, live_server, admin_user, practitioner, browser
):
    log_in(page, live_server.url, "admin")  # before the pause: it is on 127.0.0.1 too
    expect(page.get_by_role("link", name="Staff accounts")).to_be_visible()

    staff = browser.new_page()
    staff.goto(f"{live_server.url}/login/")
    for _ in range(5):
        staff.get_by_label("Username").fill("practitioner")
        staff.get_by_label("Password").fill("not-my-password")
        staff.get_by_role("button", name="Log in").click()
        staff.wait_for_load_state("load")
    expect(staff.get_by_text("paused for 15 minutes")).to_be_visible()

    page.get_by_role("link", name="Staff accounts").click()
    page.get_by_role("link", name="practitioner", exact=True).click()
    page.get_by_role("button", name="Lift sign-in pause").click()
    expect(page.get_by_text("Logging in is open again for this account.")).to_be_visible()
    assert_accessible(page)

    log_in(staff, live_server.url, "practitioner")
    expect(staff.get_by_role("heading", name="My caseload")).to_be_visible()
    staff.close()
