from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from ethics import tasks
from ethics.services.safeguarding import escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate every safeguarding concern past its deadline to the next level. Safe to run at any time "
        "(from cron, say every 5 minutes). With --in-background, queue the repeating sweep for the worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue the sweep for `manage.py db_worker` to run now and every CHIME_ESCALATION_SWEEP_MINUTES, "
            "unless it is queued already.",
        )

    def handle(self, *args: object, in_background: bool, **options: object) -> None:
        if in_background:
            queued = tasks.schedule_sweep(now=True)
            self.stdout.write(
                "Escalation sweep queued for the background worker."
                if queued
                else "Escalation sweep already queued."
            )
            return
        escalations = escalate_overdue()
        self.stdout.write(
            f"Escalated {len(escalations)} overdue concern{'s' if len(escalations) != 1 else ''}."
        )
