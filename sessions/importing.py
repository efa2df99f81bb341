"""Moving in: people and their caseloads from a CSV or spreadsheet (.xlsx) file.

A file is read one row at a time (never whole into memory) and checked row by row: the dry run (`check_file`)
says who would be added, who is already on Chime (skipped, so importing the same file twice adds nobody twice) and
every problem row with its reason. `import_file` checks the file again and, when no row has a problem, adds every
new person through `services.add_person` (the same service as the "Add a person" form, so each person's audit row
and caseload assignment are the usual ones) in one transaction, audited as one import event with its counts.

Cells are only ever text: a formula (`=1+1`) is stored as the characters typed, never worked out, and names are
escaped wherever a page shows them, like every other name.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from chime import audit
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from sessions import services
from sessions.models import Person

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

COLUMNS = (
    "name",
    "practitioner",
    "support_started",
    "chose_to_take_part",
    "pronouns",
    "phone",
    "email",
    "route",
    "referred_by",
)
REQUIRED = ("name", "practitioner", "support_started", "chose_to_take_part")
EXAMPLE_ROW = ("Sam Example", "sam", "2026-01-15", "yes", "they/them", "", "", "self", "")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
PROBLEMS_SHOWN = 500  # every problem is counted; the page lists this many
PREVIEW_SHOWN = 1000  # every new person is counted per practitioner; the page lists this many
CHUNK = 1000  # rows checked against the people already on Chime per query
YES = {"yes", "y", "true", "1"}
ROUTES = {"self": Person.Route.SELF, "self-referred": Person.Route.SELF, "referred": Person.Route.REFERRED}
ROUTES |= {"referred by someone else": Person.Route.REFERRED}
UK_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LIMITS = {"name": 120, "pronouns": 40, "phone": 40, "referred_by": 200}


class ImportFileError(RuleBroken):
    """The file as a whole cannot be read (wrong type, size, encoding or columns). `code` says which."""


@dataclass(frozen=True)
class NewPerson:
    row: int
    name: str
    practitioner: User
    support_started: dt.date
    details: dict[str, object]

    @property
    def key(self) -> tuple[str, dt.date]:
        return _key(self.name, self.support_started)


@dataclass(frozen=True)
class Problem:
    row: int
    name: str
    reason: str
    skipped: bool = False  # a person already on Chime (or twice in the file): not added again, not an error


@dataclass
class Check:
    """What a file would do: the dry run's answer, and the import's plan."""

    fingerprint: str = ""
    rows: int = 0
    to_add: int = 0
    skipped: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[NewPerson] = field(default_factory=list)
    per_practitioner: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def practitioner_counts(self) -> list[tuple[str, int]]:
        return sorted(self.per_practitioner.items())

    @property
    def more_to_add(self) -> int:
        return self.to_add - len(self.preview)

    @property
    def more_problems(self) -> int:
        return self.problem_count + self.skipped - len(self.problems)

    matched: set[int] = field(default_factory=set)  # people already on Chime whom the file names

    def note(self, problem: Problem) -> None:
        if problem.skipped:
            self.skipped += 1
        else:
            self.problem_count += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(problem)


@dataclass(frozen=True)
class Imported:
    added: int
    skipped: int
    rows: int


def template_csv() -> str:
    """The file to download and fill in: the columns and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return out.getvalue()


def check_file(upload: UploadedFile, *, progress: Progress | None = None) -> Check:
    """The dry run: read every row and say what importing the file would do. Writes nothing."""
    check = Check(fingerprint=fingerprint(upload))
    for _ in _walk(upload, check, progress):
        pass
    return check


def dry_run(*, upload: UploadedFile, checked_by: User) -> Check:
    """`check_file` for an admin's page: audited as one view naming the people already on Chime it matched."""
    check = check_file(upload)
    audit.record(
        AuditEvent.Action.VIEW,
        object_type="people import check",
        actor=checked_by,
        people=sorted(check.matched),
        reason=audit.Reason(
            "checked a file to import: {rows} rows, {new} new, {skipped} already on Chime, {problems} with problems",
            rows=check.rows,
            new=check.to_add,
            skipped=check.skipped,
            problems=check.problem_count,
        ),
    )
    return check


def fingerprint(upload: UploadedFile) -> str:
    """The file's SHA-256: the import only goes ahead on the very file the dry run checked."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_file(*, upload: UploadedFile, imported_by: User, progress: Progress | None = None) -> Imported:
    """Add everyone new in the file, all or nothing: when any row has a problem nobody is added.

    The file is checked in full first (as the dry run does), then read again to add each new person through
    `services.add_person`; one audit event names the import and its counts.
    """
    check = check_file(upload)
    if not check.ok:
        raise ImportProblems(check)
    added = Check()
    for new in _walk(upload, added, progress):
        services.add_person(
            practitioner=new.practitioner,
            added_by=imported_by,
            preferred_name=new.name,
            support_started=new.support_started,
            chose_to_take_part=True,
            **new.details,
        )
    if not added.ok:  # a practitioner left between the two readings: the transaction undoes every addition
        raise ImportProblems(added)
    audit.record(
        AuditEvent.Action.CREATE,
        object_type="people import",
        actor=imported_by,
        reason=audit.Reason(
            "imported people from a file: {added} added, {skipped} already on Chime, {rows} rows",
            added=added.to_add,
            skipped=added.skipped,
            rows=added.rows,
        ),
    )
    return Imported(added=added.to_add, skipped=added.skipped, rows=added.rows)


class ImportProblems(Exception):
    """Some rows have problems, so nothing was imported. `check` lists them."""

    code = "problem_rows"

    def __init__(self, check: Check) -> None:
        super().__init__(f"{check.problem_count} rows have problems, so nobody was added.")
        self.check = check


Progress = Callable[[int], None]


# ---- Reading ------------------------------------------------------------------------------------------------------


def _walk(upload: UploadedFile, check: Check, progress: Progress | None) -> Iterator[NewPerson]:
    """Yield each new person the file holds, in order, noting problems and skips on `check` as it goes."""
    practitioners = {u.username.casefold(): u for u in User.objects.practitioners()}
    seen: dict[int, int] = {}  # hash of (name, start date) -> its first row: ints keep 100,000 rows small
    today = timezone.localdate()
    for batch in _batches(_rows(upload), CHUNK):
        on_chime = _already_on_chime(batch, check)
        for number, row in batch:
            check.rows += 1
            new = _new_person(number, row, practitioners, today, check)
            if new is None:
                continue
            if new.key in on_chime:
                check.note(
                    Problem(number, new.name, "already on Chime (same name and start date)", skipped=True)
                )
            elif hash(new.key) in seen:
                check.note(
                    Problem(number, new.name, f"the same person as row {seen[hash(new.key)]}", skipped=True)
                )
            else:
                seen[hash(new.key)] = number
                check.to_add += 1
                check.per_practitioner[new.practitioner.username] += 1
                if len(check.preview) < PREVIEW_SHOWN:
                    check.preview.append(new)
                yield new
        if progress is not None:
            progress(check.rows)
    if check.rows == 0:
        raise ImportFileError("no_rows", "This file has its column names but no rows under them.")


def _batches(
    rows: Iterator[tuple[int, dict[str, str]]], size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows(upload: UploadedFile) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the admin sees it, {column: text}) for each row with anything in it."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ImportFileError(
            "too_big",
            f"This file is {upload.size / 1024 / 1024:.0f} MB; files up to {MAX_BYTES // 1024 // 1024} MB "
            "can be imported. Split it into smaller files and import each.",
        )
    name = (upload.name or "").lower()
    upload.seek(0)
    if name.endswith(".csv"):
        cells = _csv_cells(upload)
    elif name.endswith(".xlsx"):
        cells = _xlsx_cells(upload)
    else:
        raise ImportFileError(
            "wrong_type", "Choose a .csv or .xlsx file (download the template to start from)."
        )
    header = next(cells, None)
    if header is None:
        raise ImportFileError("empty", "This file is empty. Download the template to see what it needs.")
    columns = _columns(header)
    for number, values in enumerate(cells, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(
                "too_many_rows", f"This file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )
        if any(value.strip() for value in values):
            yield number, {column: _cell(values, index) for index, column in enumerate(columns)}


def _cell(values: list[str], index: int) -> str:
    return values[index].strip() if index < len(values) else ""


def _columns(header: list[str]) -> list[str]:
    columns = [re.sub(r"\s+", "_", value.strip().lower()) for value in header]
    missing = [column for column in REQUIRED if column not in columns]
    unexpected = [column for column in columns if column and column not in COLUMNS]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unexpected:
            parts.append("not expected: " + ", ".join(unexpected[:10]))
        raise ImportFileError(
            "wrong_columns",
            f"The file’s columns are not the template’s ({'; '.join(parts)}). Download the template to see them.",
        )
    return columns


def _csv_cells(upload: UploadedFile) -> Iterator[list[str]]:
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    reader = csv.reader(text)
    try:
        yield from reader
    except UnicodeDecodeError:
        raise ImportFileError(
            "wrong_encoding",
            f"Row {reader.line_num + 1} is not UTF-8 text, so Chime cannot read the file safely. In Excel, choose "
            "Save As and then “CSV UTF-8 (Comma delimited)”; in LibreOffice, choose the UTF-8 character set.",
        ) from None
    except csv.Error:
        raise ImportFileError(
            "not_csv", f"Row {reader.line_num} is not CSV text. Is this the right file?"
        ) from None
    finally:
        with contextlib.suppress(ValueError):  # the upload was closed already (a generator left unfinished)
            text.detach()  # leave the upload open for whoever owns it


def _xlsx_cells(upload: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only files that are spreadsheets pay for the import

    try:
        # data_only=False: a formula comes back as its text ("=1+1"), never as a value worked out by anyone
        book = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, key errors) for a file that is not one
        raise ImportFileError(
            "not_xlsx", "This is not a spreadsheet Chime can read. Save it as .xlsx or .csv."
        ) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_text(value) for value in values]
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---- One row -------------------------------------------------------------------------------------------------------


def _new_person(
    number: int, row: dict[str, str], practitioners: dict[str, User], today: dt.date, check: Check
) -> NewPerson | None:
    name = " ".join(row.get("name", "").split())
    reasons = _reasons(row, name, practitioners, today)
    if reasons:
        check.note(Problem(number, name, "; ".join(reasons)))
        return None
    details = {key: row.get(key, "") for key in ("pronouns", "phone", "email", "referred_by")}
    details["route"] = ROUTES[row.get("route", "").lower()] if row.get("route") else Person.Route.SELF
    return NewPerson(
        row=number,
        name=name,
        practitioner=practitioners[row["practitioner"].casefold()],
        support_started=_date(row["support_started"]),  # type: ignore[arg-type]
        details=details,
    )


def _reasons(row: dict[str, str], name: str, practitioners: dict[str, User], today: dt.date) -> list[str]:
    reasons = []
    if not name:
        reasons.append("missing name")
    username = row.get("practitioner", "")
    if not username:
        reasons.append("missing practitioner")
    elif username.casefold() not in practitioners:
        reasons.append(f"unknown practitioner “{username[:40]}” (use an active practitioner’s username)")
    reasons.extend(_date_reasons(row.get("support_started", ""), today))
    if row.get("chose_to_take_part", "").lower() not in YES:
        reasons.append("chose_to_take_part is not “yes” (peer support is voluntary)")
    if row.get("route") and row["route"].lower() not in ROUTES:
        reasons.append("route is not “self” or “referred”")
    if row.get("email") and not _valid_email(row["email"]):
        reasons.append("email is not an email address")
    reasons.extend(
        f"{column} is longer than {limit} characters"
        for column, limit in LIMITS.items()
        if len(name if column == "name" else row.get(column, "")) > limit
    )
    return reasons


def _date_reasons(text: str, today: dt.date) -> list[str]:
    if not text:
        return ["missing support_started date"]
    started = _date(text)
    if started is None:
        return [f"support_started “{text[:20]}” is not a date (write 2026-03-31 or 31/03/2026)"]
    if started > today:
        return ["support_started is a date in the future"]
    return []


@functools.lru_cache(maxsize=4096)  # a file's dates repeat; each is read three times
def _date(text: str) -> dt.date | None:
    uk = UK_DATE.fullmatch(text)
    try:
        if uk:
            return dt.date(int(uk["year"]), int(uk["month"]), int(uk["day"]))
        return dt.date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
    except ValueError:
        return None


def _valid_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _key(name: str, started: dt.date) -> tuple[str, dt.date]:
    return " ".join(name.casefold().split()), started


def _already_on_chime(batch: list[tuple[int, dict[str, str]]], check: Check) -> set[tuple[str, dt.date]]:
    """The (name, start date) keys of people already on Chime among this batch's rows: one query per batch."""
    names = {" ".join(row.get("name", "").split()).lower() for _, row in batch}
    dates = {started for _, row in batch if (started := _date(row.get("support_started", ""))) is not None}
    if not dates:
        return set()
    found = (
        Person.objects.annotate(lower_name=Lower("preferred_name"))
        .filter(lower_name__in=names, support_started__in=dates)
        .values_list("pk", "preferred_name", "support_started")
    )
    keys = set()
    for pk, name, started in found:
        check.matched.add(pk)
        keys.add(_key(name, started))
    return keys
