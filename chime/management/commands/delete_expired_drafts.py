from __future__ import annotations

from django.conf import settings

from chime import drafts, tasks
from chime.management.repeating import RepeatingTaskCommand


class Command(RepeatingTaskCommand):
    help = (
        "Delete drafts of forms that nobody has typed in for CHIME_DRAFT_DAYS. With --in-background, queue the "
        "hourly sweep for the background worker instead."
    )
    what, every = "Draft sweep", "every hour"

    def schedule(self) -> bool:
        return tasks.schedule_draft_sweep(now=True)

    def run_now(self) -> None:
        deleted = drafts.delete_expired_drafts()
        self.stdout.write(
            f"{deleted} draft{'s' if deleted != 1 else ''} older than {settings.CHIME_DRAFT_DAYS} days deleted."
        )
