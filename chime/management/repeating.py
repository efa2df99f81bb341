"""The one shape of a command whose work a repeating background task also does: run it once now (from cron, say),
or, with --in-background, queue the task, which then queues its own next run (`chime.tasks.schedule_repeating`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class RepeatingTaskCommand(BaseCommand):
    what = ""  # what is queued, for the messages: "Draft sweep"
    every = ""  # how often it repeats, for --help: "every hour"

    def schedule(self) -> bool:
        """Queue the task to run now, unless it is queued already; whether it was queued."""
        raise NotImplementedError

    def run_now(self) -> None:
        """Do the work once, now, and say what was done."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-background",
            action="store_true",
            help=f"Queue it for `manage.py db_worker` to run now and {self.every}, unless it is queued already.",
        )

    def handle(self, *args: object, in_background: bool, **options: object) -> None:
        if in_background:
            queued = self.schedule()
            self.stdout.write(
                f"{self.what} queued for the background worker." if queued else f"{self.what} already queued."
            )
            return
        self.run_now()
