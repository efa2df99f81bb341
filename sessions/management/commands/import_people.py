"""Import people and caseloads from a file on the server, with progress: for files too large for a web request."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chime import access
from chime.models import User
from sessions import importing


class Command(BaseCommand):
    help = (
        "Check (--dry-run) or import people and caseloads from a .csv or .xlsx file, as an admin, printing "
        "progress. The same rules as the web page: all or nothing, nobody added twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by", required=True, help="The username of the admin importing (for the audit)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; add nobody.")

    def handle(self, *args: object, file: Path, by: str, dry_run: bool, **options: object) -> None:
        admin = User.objects.filter(username=by).first()
        if admin is None or not access.is_admin(admin):
            raise CommandError(f"{by} is not an active admin.")
        with file.open("rb") as raw:
            upload = File(raw, name=file.name)
            try:
                if dry_run:
                    self._report(importing.check_file(upload, progress=self._progress))
                    return
                done = importing.import_file(upload=upload, imported_by=admin, progress=self._progress)
            except importing.ImportFileError as error:
                raise CommandError(str(error)) from None
            except importing.ImportProblems as problems:
                self._report(problems.check)
                raise CommandError("Nobody was added: fix the rows above and run it again.") from None
        self.stdout.write(f"Added {done.added} people; {done.skipped} already on Chime; {done.rows} rows.")

    def _progress(self, rows: int) -> None:
        self.stdout.write(f"{rows:,} rows read…")

    def _report(self, check: importing.Check) -> None:
        for problem in check.problems:
            what = "skip" if problem.skipped else "fix"
            self.stdout.write(f"row {problem.row}: {what}: {problem.reason}")
        self.stdout.write(
            f"{check.rows} rows: {check.to_add} to add, {check.skipped} already on Chime, "
            f"{check.problem_count} with problems."
        )
