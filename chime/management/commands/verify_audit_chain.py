from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chime.audit import ChainReport, verify_chain
from chime.checkpoints import CheckpointError, read_checkpoints


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"


def _broken(report: ChainReport) -> str:
    intact = f"{_rows(report.checked)} before it {'is' if report.checked == 1 else 'are'} intact"
    return f"Audit chain broken at row {report.first_bad_id}: {report.problem}. {intact}."


class Command(BaseCommand):
    help = (
        "Check every audit row's hash and its link to the row before, and the chain against every checkpoint of "
        "this database in CHIME_AUDIT_CHECKPOINT_FILE. Exits non-zero at the first missing or altered row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="Fail when this database has no checkpoint yet (for monitoring a deployment, whose worker "
            "writes them: a checkpoint file that went missing must not pass quietly).",
        )

        parser.add_argument(
            "--checkpoint-file",
            type=Path,
            help="Read the checkpoints from this file instead of CHIME_AUDIT_CHECKPOINT_FILE (the one beside a backup).",
        )
        parser.add_argument(
            "--restored-from",
            metavar="DATABASE",
            help="This database was restored from a backup of DATABASE: check it against that database's checkpoints.",
        )

    def handle(
        self,
        *args: object,
        require_checkpoint: bool,
        checkpoint_file: Path | None,
        restored_from: str | None,
        **options: object,
    ) -> None:
        path = checkpoint_file or settings.CHIME_AUDIT_CHECKPOINT_FILE
        try:
            checkpoints, untrusted = read_checkpoints(path, database=restored_from), ""
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
                f"The audit chain links up ({_rows(report.checked)} checked), but its checkpoints cannot be trusted: "
                f"{untrusted}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {_rows(report.checked)} checked."))
        if checkpoints:
            self.stdout.write(
                f"It matches every checkpoint of this database ({report.checkpoints_matched}); the latest: "
                f"{checkpoints[-1].describe()}."
            )
            return
        missing = (
            f"No checkpoint of this database exists yet in {path}, so the end of the chain cannot be checked: "
            "run `python manage.py checkpoint_audit_chain` (the background worker does, every "
            f"{settings.CHIME_AUDIT_CHECKPOINT_MINUTES} minutes)."
        )
        if require_checkpoint:
            raise CommandError(missing)
        self.stdout.write(missing)
