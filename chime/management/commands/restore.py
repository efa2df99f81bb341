from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from chime.backups import CHECKPOINT_SUFFIX, SUFFIX, BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into DATABASE_URL's database, which must be empty "
        "(a non-empty one is refused). Needs the CHIME_BACKUP_KEY it was made with."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=f"The backup (…{SUFFIX}).")

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            restore_backup(path=file, key=settings.CHIME_BACKUP_KEY)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Restored {file} into database {connection.settings_dict['NAME']}.")
        )
        checkpoint = file.with_name(file.name.removesuffix(SUFFIX) + CHECKPOINT_SUFFIX)
        if checkpoint.exists():
            taken_from = json.loads(checkpoint.read_text(encoding="utf-8").splitlines()[0])["database"]
            self.stdout.write(
                "Check its audit trail against the checkpoint taken with it: python manage.py verify_audit_chain "
                f"--checkpoint-file {checkpoint} --restored-from {taken_from} --require-checkpoint"
            )
