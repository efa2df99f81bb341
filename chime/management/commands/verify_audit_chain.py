from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chime.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Check every audit row's hash and its link to the row before. Exits non-zero at the first mismatch."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at row {report.first_bad_id}: {report.problem} "
                f"({report.checked} rows before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} rows checked."))
