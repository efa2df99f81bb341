from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chime.audit import ChainReport, verify_chain
from chime.checkpoints import CheckpointError, read_checkpoints


def _broken(report: ChainReport) -> str:
    intact = (
        "1 row before it is intact" if report.checked == 1 else f"{report.checked} rows before it are intact"
    )
    return f"Audit chain broken at row {report.first_bad_id}: {report.problem}. {intact}."


class Command(BaseCommand):
    help = (
        "Check every audit row's hash and its link to the row before, and the chain against every checkpoint of "
        "this database in CHIME_AUDIT_CHECKPOINT_FILE. Exits non-zero at the first missing or altered row."
    )

    def handle(self, *args: object, **options: object) -> None:
        path = settings.CHIME_AUDIT_CHECKPOINT_FILE
        try:
            checkpoints, untrusted = read_checkpoints(path), ""
        except CheckpointError as error:
            checkpoints, untrusted = [], str(error)
        report = verify_chain(checkpoints)
        if not report.ok:
            raise CommandError(
                _broken(report)
                + (f"\nIts checkpoints cannot be trusted either: {untrusted}" if untrusted else "")
            )
        if untrusted:
            raise CommandError(
                f"The audit chain's {report.checked} rows link up, but its checkpoints cannot be trusted: {untrusted}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} rows checked."))
        if checkpoints:
            self.stdout.write(
                f"It matches all {report.checkpoints_matched} checkpoints of this database; the latest: "
                f"{checkpoints[-1].describe()}."
            )
        else:
            self.stdout.write(
                f"No checkpoint of this database exists yet in {path}, so the end of the chain cannot be checked: "
                "run `python manage.py checkpoint_audit_chain` (the background worker does, every "
                f"{settings.CHIME_AUDIT_CHECKPOINT_MINUTES} minutes)."
            )
