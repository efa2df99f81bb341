"""An admin reads the commissioners' report at desktop and phone widths (sections with charts, nothing cut off, axe
passes), picks a usual period in one click, and prints it: every printed page carries the period, the date produced and its page number, and no section
heading is left alone at the foot of a page."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from sessions.models import SessionArea
from tests.browser.test_practitioner_journey import log_in
from tests.browser.test_recovery_plan_journey import SCREENS, assert_fits
from tests.factories import PersonFactory, SupportSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=SCREENS)
def screen(request) -> dict:
    return SCREENS[request.param]


@pytest.fixture
def browser_context_args(browser_context_args, screen):
    return {**browser_context_args, **screen}


@pytest.fixture
def activity(practitioner):
    """Six people seen this month, each rating Hope twice (five went up), and four seen the month before."""
    now = timezone.now()
    for i in range(6):
        person = PersonFactory(practitioner=practitioner, preferred_name=f"Named{i}")
        for days_ago, rating in ((20, 2), (5, 4 if i < 5 else 2)):
            session = SupportSessionFactory(
                person=person, occurred_at=now - dt.timedelta(days=days_ago), areas=["hope", "identity"]
            )
            SessionArea.objects.filter(session=session, area="hope").update(rating=rating)
        if i < 4:
            SupportSessionFactory(person=person, occurred_at=now - dt.timedelta(days=45), areas=["hope"])


def _range() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": f"{today - dt.timedelta(days=29):%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"}


def test_the_report_fits_the_screen_with_a_chart_and_table_per_section(
    page: Page, live_server, screen, admin_user, activity
):
    width = screen["viewport"]["width"]
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/reports/?start={_range()['start']}&end={_range()['end']}")
    summary = page.get_by_role("region", name="Summary", exact=True)
    expect(summary.get_by_text("Summary: this period beside the previous period")).to_be_visible()
    sessions = summary.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Sessions", exact=True)
    )
    expect(sessions).to_have_text(re.compile(r"Sessions\s*12\s*fewer than 5"))
    rating = page.get_by_role("region", name="CHIME rating change (their own view)")
    expect(rating.get_by_text("A hatched mark means fewer than 5")).to_be_visible()
    expect(rating.get_by_role("definition").first).to_be_visible()
    expect(page.get_by_text("Named0")).to_have_count(0)
    assert_fits(page, width)


def test_a_usual_period_is_one_click_away(page: Page, live_server, screen, admin_user, activity):
    width = screen["viewport"]["width"]
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/reports/")
    usual = page.get_by_role("navigation", name="Or choose a usual period")
    expect(usual.get_by_role("link", name="Last quarter")).to_have_attribute("aria-current", "page")
    usual.get_by_role("link", name="Last 12 months").click()
    this_month = timezone.localdate().replace(day=1)
    start, end = this_month.replace(year=this_month.year - 1), this_month - dt.timedelta(days=1)
    expect(page.locator(".report-cover .lead")).to_contain_text(f"{date_format(start)} to {date_format(end)}")
    expect(usual.get_by_role("link", name="Last 12 months")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("From")).to_have_value(f"{start:%Y-%m-%d}")
    assert_fits(page, width)


# Printing does not depend on the screen's width: once, at desktop width.
@pytest.mark.parametrize("screen", [SCREENS["desktop"]], ids=["desktop"])
def test_the_printed_report_has_the_period_the_date_and_page_numbers_on_every_page(
    page: Page, live_server, screen, admin_user, activity
):
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/reports/?start={_range()['start']}&end={_range()['end']}")
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    printed = page.pdf(format="A4")
    if dump := os.environ.get(
        "CHIME_REPORT_PDF"
    ):  # to look at the printed report: CHIME_REPORT_PDF=/tmp/r.pdf
        Path(dump).write_bytes(printed)
    pdf = PdfReader(io.BytesIO(printed))
    pages = [sheet.extract_text() for sheet in pdf.pages]
    today = timezone.localdate()
    start = today - dt.timedelta(days=29)
    period = f"report for {date_format(start)} to {date_format(today)}"
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert period in text and f"Produced {date_format(today)}" in text
    headings = set(page.locator("section.report-section :is(h2, h3)").all_inner_texts())
    for number, text in enumerate(pages[:-1], start=1):
        body = [line.strip() for line in text.splitlines() if line.strip() and not _is_margin(line, period)]
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]!r}"


def _is_margin(line: str, period: str) -> bool:
    return period in line or line.startswith("Produced ") or line.startswith("Page ")
