from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chime import tasks
from chime.checkpoints import CheckpointError, take_checkpoint


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of the audit chain's head (its latest row's id and hash, and how many rows) to "
        "CHIME_AUDIT_CHECKPOINT_FILE, outside the database. With --in-background, queue the repeating checkpoint "
        "for the background worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue the checkpoint for `manage.py db_worker` to take now and every "
            "CHIME_AUDIT_CHECKPOINT_MINUTES, unless it is queued already.",
        )

    def handle(self, *args: object, in_background: bool, **options: object) -> None:
        if in_background:
            queued = tasks.schedule_checkpoint(now=True)
            self.stdout.write(
                "Audit checkpoint queued for the background worker."
                if queued
                else "Audit checkpoint already queued."
            )
            return
        try:
            checkpoint, written = take_checkpoint()
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        if checkpoint is None:
            self.stdout.write("The audit trail is empty: nothing to checkpoint yet.")
        elif written:
            self.stdout.write(
                f"Checkpoint written to {settings.CHIME_AUDIT_CHECKPOINT_FILE}: {checkpoint.describe()}."
            )
        else:
            self.stdout.write(
                f"The audit trail has not changed since the last checkpoint ({checkpoint.describe()})."
            )
