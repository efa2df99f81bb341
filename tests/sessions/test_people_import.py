"""Moving in: importing people and caseloads from a file (sessions/importing.py and its page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import resource

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from chime.models import AuditEvent
from sessions import importing
from sessions.models import CaseloadAssignment, Person
from tests.factories import PersonFactory, PractitionerFactory

pytestmark = pytest.mark.django_db
HEADER = ["name", "practitioner", "support_started", "chose_to_take_part"]
STARTED = "2025-01-15"


def csv_file(rows, *, header=HEADER, name="people.csv", encoding="utf-8") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def good_rows(count=3, practitioner="practitioner"):
    return [[f"Person {n}", practitioner, STARTED, "yes"] for n in range(1, count + 1)]


def check_page(client, admin_user, upload, **extra):
    client.force_login(admin_user)
    return client.post(reverse("people-import"), {"file": upload, **extra})


# ---- The template and the dry run ----------------------------------------------------------------------------------


def test_the_template_has_the_columns_and_an_example_row(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("people-import-template"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert (response["Content-Type"], rows[0], len(rows)) == (
        "text/csv; charset=utf-8",
        list(importing.COLUMNS),
        2,
    )


def test_a_dry_run_shows_who_would_be_added_and_adds_nobody(client, admin_user, practitioner):
    response = check_page(client, admin_user, csv_file(good_rows(3)))
    page = response.content.decode()
    assert "3 people to add" in page
    assert ["Person 1" in page, "3 to practitioner’s caseload" in page] == [True, True]
    assert Person.objects.count() == 0


def test_a_dry_run_is_audited_as_one_view_naming_the_people_it_matched(client, admin_user, practitioner):
    existing = PersonFactory(
        practitioner=practitioner, preferred_name="Person 1", support_started=dt.date(2025, 1, 15)
    )
    check_page(client, admin_user, csv_file(good_rows(2)))
    event = AuditEvent.objects.get(object_type="people import check")
    assert (event.actor, event.people, event.reason) == (
        admin_user,
        [existing.pk],
        "checked a file to import: 2 rows, 1 new, 1 already on Chime, 0 with problems",
    )


@pytest.mark.dates
def test_every_problem_row_is_listed_with_its_reason(client, admin_user, practitioner):
    PersonFactory(
        practitioner=practitioner, preferred_name="Already Here", support_started=dt.date(2025, 1, 15)
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        ["Good Person", "practitioner", STARTED, "yes"],
        ["Nobody Knows", "someone_else", STARTED, "yes"],
        ["", "practitioner", STARTED, "yes"],
        ["Too Soon", "practitioner", tomorrow, "yes"],
        ["already here", "practitioner", STARTED, "yes"],
        ["Not Asked", "practitioner", STARTED, "no"],
        ["Bad Date", "practitioner", "31/02/2025", "yes"],
        ["Good Person", "practitioner", STARTED, "yes"],
    ]
    check = importing.check_file(csv_file(rows))
    assert [(p.row, p.name, p.reason, p.skipped) for p in check.problems] == [
        (
            3,
            "Nobody Knows",
            "unknown practitioner “someone_else” (use an active practitioner’s username)",
            False,
        ),
        (4, "", "missing name", False),
        (5, "Too Soon", "support_started is a date in the future", False),
        (6, "already here", "already on Chime (same name and start date)", True),
        (7, "Not Asked", "chose_to_take_part is not “yes” (peer support is voluntary)", False),
        (8, "Bad Date", "support_started “31/02/2025” is not a date (write 2026-03-31 or 31/03/2026)", False),
        (9, "Good Person", "the same person as row 2", True),
    ]
    assert (check.rows, check.to_add, check.skipped, check.problem_count, check.ok) == (8, 1, 2, 5, False)


def test_the_problem_rows_show_on_the_page_and_no_import_button(client, admin_user, practitioner):
    response = check_page(client, admin_user, csv_file([["", "practitioner", STARTED, "yes"]]))
    page = response.content.decode()
    assert ["missing name" in page, "Nothing can be imported until this row is fixed" in page] == [True, True]
    assert 'name="import"' not in page


# ---- The import ----------------------------------------------------------------------------------------------------


def test_importing_adds_each_person_through_the_usual_service(admin_user, practitioner):
    done = importing.import_file(upload=csv_file(good_rows(2)), imported_by=admin_user)
    people = Person.objects.order_by("preferred_name")
    assert (done.added, [p.preferred_name for p in people]) == (2, ["Person 1", "Person 2"])
    assert {p.support_started for p in people} == {dt.date(2025, 1, 15)}
    assert CaseloadAssignment.objects.filter(practitioner=practitioner, assigned_by=admin_user).count() == 2
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="support.Person")
    assert sorted(created.values_list("person_id", flat=True)) == sorted(p.pk for p in people)


def test_an_import_is_audited_as_one_event_with_its_counts(admin_user, practitioner):
    PersonFactory(practitioner=practitioner, preferred_name="Person 1", support_started=dt.date(2025, 1, 15))
    importing.import_file(upload=csv_file(good_rows(3)), imported_by=admin_user)
    event = AuditEvent.objects.get(object_type="people import")
    assert (event.action, event.actor, event.reason) == (
        AuditEvent.Action.CREATE,
        admin_user,
        "imported people from a file: 2 added, 1 already on Chime, 3 rows",
    )


def test_a_file_with_one_problem_row_adds_nobody(admin_user, practitioner):
    rows = [*good_rows(3), ["Someone", "nobody_by_that_name", STARTED, "yes"]]
    with pytest.raises(importing.ImportProblems) as raised:
        importing.import_file(upload=csv_file(rows), imported_by=admin_user)
    assert (raised.value.check.problem_count, Person.objects.count()) == (1, 0)
    assert not AuditEvent.objects.filter(object_type="people import").exists()


def test_importing_the_same_file_twice_adds_nobody_twice(admin_user, practitioner):
    first = importing.import_file(upload=csv_file(good_rows(3)), imported_by=admin_user)
    second = importing.import_file(upload=csv_file(good_rows(3)), imported_by=admin_user)
    assert ((first.added, first.skipped), (second.added, second.skipped)) == ((3, 0), (0, 3))
    assert Person.objects.count() == 3


def test_the_page_imports_only_the_file_it_checked(client, admin_user, practitioner):
    check_page(client, admin_user, csv_file(good_rows(2)))
    other = check_page(client, admin_user, csv_file(good_rows(5)), **{"import": "1"})
    assert "This is not the file you checked" in other.content.decode()
    assert Person.objects.count() == 0


def test_the_page_imports_after_a_dry_run_of_the_same_file(client, admin_user, practitioner):
    dry = check_page(client, admin_user, csv_file(good_rows(2)))
    assert 'name="import"' in dry.content.decode()
    response = check_page(client, admin_user, csv_file(good_rows(2)), **{"import": "1"})
    assert (response.status_code, response["Location"]) == (302, reverse("people-import"))
    assert Person.objects.count() == 2
    page = client.get(reverse("people-import")).content.decode()
    assert "Added 2 people to their practitioners’ caseloads." in page


def test_people_are_shared_between_practitioners_as_the_file_says(admin_user, practitioner):
    PractitionerFactory(username="priya")
    rows = [["A One", "practitioner", STARTED, "yes"], ["B Two", "Priya", STARTED, "yes"]]
    importing.import_file(upload=csv_file(rows), imported_by=admin_user)
    assert dict(Person.objects.values_list("preferred_name", "practitioner__username")) == {
        "A One": "practitioner",
        "B Two": "priya",
    }


# ---- Bad files -----------------------------------------------------------------------------------------------------


def test_wrong_columns_are_named(client, admin_user, practitioner):
    upload = csv_file([["x", "practitioner", "1990-01-01"]], header=["name", "practitioner", "date_of_birth"])
    response = check_page(client, admin_user, upload)
    assert (
        "The file’s columns are not the template’s (missing support_started, chose_to_take_part; "
        "not expected: date_of_birth). Download the template to see them."
    ) in response.content.decode()


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(client, admin_user, practitioner):
    upload = csv_file([["Zoë Brontë", "practitioner", STARTED, "yes"]], encoding="cp1252")
    response = check_page(client, admin_user, upload)
    assert "is not UTF-8 text" in response.content.decode()
    assert "CSV UTF-8" in response.content.decode()


def test_a_50_mb_file_is_refused_before_it_is_read(client, admin_user, practitioner):
    upload = SimpleUploadedFile("big.csv", b"name,practitioner\n" + b"x" * (50 * 1024 * 1024))
    response = check_page(client, admin_user, upload)
    assert "This file is 50 MB; files up to 20 MB can be imported." in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="people import check").exists()


def test_a_file_that_is_not_csv_or_a_spreadsheet_is_refused(client, admin_user):
    response = check_page(client, admin_user, SimpleUploadedFile("people.pdf", b"%PDF-1.4"))
    assert "Choose a .csv or .xlsx file" in response.content.decode()


def test_a_header_with_no_rows_says_so(client, admin_user):
    response = check_page(client, admin_user, csv_file([]))
    assert "no rows under them" in response.content.decode()


def test_a_formula_in_a_csv_cell_is_stored_as_its_text(admin_user, practitioner):
    rows = [['=HYPERLINK("http://example.invalid","x")', "practitioner", STARTED, "yes"]]
    importing.import_file(upload=csv_file(rows), imported_by=admin_user)
    assert Person.objects.get().preferred_name == '=HYPERLINK("http://example.invalid","x")'


def test_a_spreadsheet_formula_is_never_worked_out_but_kept_as_text(admin_user, practitioner):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["=1+1", "practitioner", dt.datetime(2025, 1, 15), "yes"])  # noqa: DTZ001 - a cell's date
    sheet.append(["Plain Name", "practitioner", "15/01/2025", "yes"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("people.xlsx", out.getvalue())
    importing.import_file(upload=upload, imported_by=admin_user)
    assert sorted(Person.objects.values_list("preferred_name", "support_started")) == [
        ("=1+1", dt.date(2025, 1, 15)),
        ("Plain Name", dt.date(2025, 1, 15)),
    ]


def test_a_file_named_xlsx_that_is_not_a_spreadsheet_is_refused(client, admin_user):
    response = check_page(client, admin_user, SimpleUploadedFile("people.xlsx", b"name,practitioner\n"))
    assert "This is not a spreadsheet Chime can read." in response.content.decode()


def test_script_in_a_name_is_shown_as_text(client, admin_user, practitioner):
    rows = [["<script>alert('x')</script>", "practitioner", STARTED, "yes"]]
    page = check_page(client, admin_user, csv_file(rows)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_100000_rows_are_checked_a_batch_at_a_time_in_bounded_memory(admin_user, practitioner, tmp_path):
    path = tmp_path / "large.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows([f"Person {n}", "practitioner", STARTED, "yes"] for n in range(100_000))
    seen: list[int] = []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes, the process's high-water mark
    with path.open("rb") as raw:
        check = importing.check_file(File(raw, name="large.csv"), progress=seen.append)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert (check.rows, check.to_add, len(check.preview)) == (100_000, 100_000, importing.PREVIEW_SHOWN)
    assert (len(seen), seen[0], seen[-1]) == (100, 1000, 100_000)  # a progress report per batch of 1,000
    assert grown < 40 * 1024, f"the process grew by {grown / 1024:.0f} MB"  # the rows alone would be ~100 MB


def test_more_than_100000_rows_is_refused_with_a_message(admin_user, practitioner, tmp_path):
    path = tmp_path / "too-large.csv"
    path.write_text(
        "name,practitioner,support_started,chose_to_take_part\n" + "A,practitioner,2025-01-15,yes\n" * 100_001
    )
    with path.open("rb") as raw, pytest.raises(importing.ImportFileError) as raised:
        importing.check_file(File(raw, name="too-large.csv"))
    assert (raised.value.code, str(raised.value)) == (
        "too_many_rows",
        "This file has more than 100,000 rows. Split it into smaller files.",
    )


def test_the_command_imports_a_file_on_the_server_with_progress(admin_user, practitioner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(good_rows(1500)).read())
    out = io.StringIO()
    call_command("import_people", path, "--by", "admin", stdout=out)
    assert out.getvalue().splitlines()[-3:] == [
        "1,000 rows read…",
        "1,500 rows read…",
        "Added 1500 people; 0 already on Chime; 1500 rows.",
    ]
    assert Person.objects.count() == 1500


def test_the_command_reports_problem_rows_and_adds_nobody(admin_user, practitioner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file([*good_rows(2), ["", "practitioner", STARTED, "yes"]]).read())
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nobody was added"):
        call_command("import_people", path, "--by", "admin", stdout=out)
    assert "row 4: fix: missing name" in out.getvalue()
    assert Person.objects.count() == 0


def test_a_dry_run_reads_the_people_on_chime_once_per_batch_of_1000_rows(
    admin_user, practitioner, django_assert_num_queries
):
    upload = csv_file(good_rows(2500))
    # the active practitioners, then the people already on Chime for each of three batches
    with django_assert_num_queries(4):
        check = importing.check_file(upload)
    assert check.to_add == 2500
