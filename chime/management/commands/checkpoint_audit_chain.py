from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from chime import tasks
from chime.checkpoints import CheckpointError, take_checkpoint
from chime.management.repeating import RepeatingTaskCommand


class Command(RepeatingTaskCommand):
    help = (
        "Append a signed checkpoint of the audit chain's head (its latest row's id and hash, and how many rows) to "
        "CHIME_AUDIT_CHECKPOINT_FILE, outside the database. With --in-background, queue the repeating checkpoint "
        "for the background worker instead."
    )
    what, every = "Audit checkpoint", "every CHIME_AUDIT_CHECKPOINT_MINUTES"

    def schedule(self) -> bool:
        return tasks.schedule_checkpoint(now=True)

    def run_now(self) -> None:
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
