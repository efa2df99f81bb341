from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chime.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted, compressed, consistent backup of the database (pg_dump, gpg with CHIME_BACKUP_KEY) to "
        "CHIME_BACKUP_DIR, with the audit chain's latest checkpoint beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folder", type=Path, help="Write here instead of CHIME_BACKUP_DIR.")

    def handle(self, *args: object, folder: Path | None, **options: object) -> None:
        try:
            backup = make_backup(folder=folder or settings.CHIME_BACKUP_DIR, key=settings.CHIME_BACKUP_KEY)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {backup.path} ({backup.size:,} bytes)."))
        if backup.checkpoint_path:
            self.stdout.write(f"Its audit checkpoint: {backup.checkpoint_path}.")
        else:
            self.stdout.write("No audit checkpoint beside it: the audit trail is empty.")
        if backup.checkpoint_problem:
            raise CommandError(f"The backup was written, but {backup.checkpoint_problem}")
