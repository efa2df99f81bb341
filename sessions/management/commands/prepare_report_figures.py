from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sessions import reports, tasks


class Command(BaseCommand):
    help = (
        "Work out and keep the commissioners' report figures of the ranges usually asked for (last month, last "
        "quarter, the last 12 months, this financial year so far, the last financial and calendar years) that are "
        "missing or changed since. With --in-background, queue it for the background worker to repeat every "
        "5 minutes instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue it for `manage.py db_worker` to run now and every 5 minutes, unless it is queued already.",
        )

    def handle(self, *args: object, in_background: bool, **options: object) -> None:
        if in_background:
            queued = tasks.schedule_preparation(now=True)
            self.stdout.write(
                "Report figures queued for the background worker."
                if queued
                else "Report figures already queued."
            )
            return
        worked = reports.prepare_usual_ranges(timezone.localdate())
        self.stdout.write(
            f"{worked} report figure{'s' if worked != 1 else ''} worked out (per period and part of the people)."
        )
