"""Moving in, in a real Chromium: an admin checks a 500-row caseload file (a dry run), imports it, and is told row
by row what is wrong with a broken file."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from chime.models import AuditEvent
from sessions.models import Person
from tests.browser.a11y import assert_accessible
from tests.browser.test_practitioner_journey import log_in
from tests.factories import PractitionerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = ["name", "practitioner", "support_started", "chose_to_take_part"]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_admin_checks_then_imports_a_500_row_caseload_file(page: Page, live_server, admin_user, tmp_path):
    PractitionerFactory(username="sam")
    PractitionerFactory(username="priya")
    rows = [[f"Person {n:03}", "sam" if n % 2 else "priya", "2025-01-15", "yes"] for n in range(500)]
    caseload = write_csv(tmp_path / "caseload.csv", rows)
    log_in(page, live_server.url, "admin")
    page.get_by_role("link", name="People directory").click()
    page.get_by_role("link", name="Import people and caseloads from a file").click()
    expect(page.get_by_role("heading", name="Import people and caseloads")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(caseload)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("500 rows: 500 people to add")).to_be_visible()
    expect(page.get_by_text("250 to priya’s caseload")).to_be_visible()
    assert Person.objects.count() == 0  # the dry run saved nothing
    assert_accessible(page)

    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(caseload)
    page.get_by_role("button", name="Import 500 people").click()
    expect(page.get_by_text("Added 500 people to their practitioners’ caseloads.")).to_be_visible(
        timeout=60_000
    )
    assert Person.objects.count() == 500
    assert AuditEvent.objects.get(object_type="people import").reason == (
        "imported people from a file: 500 added, 0 already on Chime, 500 rows"
    )
    assert_accessible(page)

    # The same file again adds nobody twice.
    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(caseload)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("500 rows: 0 people to add, 500 already on Chime")).to_be_visible()
    expect(page.get_by_role("button", name="Import 0 people")).to_have_count(0)


def test_a_broken_file_gets_its_reasons_row_by_row(page: Page, live_server, admin_user, tmp_path):
    PractitionerFactory(username="sam")
    rows = [
        ["Good Person", "sam", "2025-01-15", "yes"],
        ["Nobody Knows", "kim", "2025-01-15", "yes"],
        ["", "sam", "2025-01-15", "yes"],
        ["Too Soon", "sam", "2999-01-01", "yes"],
        ["<script>alert(1)</script>", "sam", "2025-01-15", "yes"],
    ]
    broken = write_csv(tmp_path / "broken.csv", rows)
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/people/import/")
    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(broken)
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_text("Nothing can be imported until these rows are fixed.", exact=False)
    ).to_be_visible()
    problems = page.get_by_role("region", name="Rows to look at (scrolls sideways on small screens)")
    expect(problems.get_by_role("row")).to_have_count(4)  # the heading row and three problem rows
    expect(problems.get_by_role("row", name="3 Nobody Knows", exact=False)).to_contain_text(
        "unknown practitioner"
    )
    expect(problems.get_by_role("row", name="4", exact=False).first).to_contain_text("missing name")
    expect(problems.get_by_role("row", name="5 Too Soon", exact=False)).to_contain_text("in the future")
    expect(page.get_by_text("<script>alert(1)</script>")).to_be_visible()  # shown as text, never run
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)
    assert_accessible(page)

    (tmp_path / "wrong.csv").write_text("first name,date of birth\nSam,1990-01-01\n", encoding="utf-8")
    page.get_by_label("File to import (.csv or .xlsx)").set_input_files(tmp_path / "wrong.csv")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The file’s columns are not the template’s", exact=False)).to_be_visible()
    assert_accessible(page)
    assert Person.objects.count() == 0
