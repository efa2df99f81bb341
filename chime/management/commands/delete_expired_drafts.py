from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from chime import drafts, tasks


class Command(BaseCommand):
    help = (
        "Delete drafts of forms that nobody has typed in for CHIME_DRAFT_DAYS. With --in-background, queue the "
        "hourly sweep for the background worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue the sweep for `manage.py db_worker` to run now and every hour, unless it is queued already.",
        )

    def handle(self, *args: object, in_background: bool, **options: object) -> None:
        if in_background:
            queued = tasks.schedule_draft_sweep(now=True)
            self.stdout.write(
                "Draft sweep queued for the background worker." if queued else "Draft sweep already queued."
            )
            return
        deleted = drafts.delete_expired_drafts()
        self.stdout.write(
            f"{deleted} draft{'s' if deleted != 1 else ''} older than {settings.CHIME_DRAFT_DAYS} days deleted."
        )
