from __future__ import annotations

from django.utils import timezone

from chime.management.repeating import RepeatingTaskCommand
from sessions import reports, tasks


class Command(RepeatingTaskCommand):
    help = (
        "Work out and keep the commissioners' report figures of the ranges usually asked for (last month, last "
        "quarter, the last 12 months, this financial year so far, the last financial and calendar years) that are "
        "missing or changed since. With --in-background, queue it for the background worker to repeat instead."
    )
    what, every = "Report figures", f"every {tasks.PREPARE_EVERY.seconds // 60} minutes"

    def schedule(self) -> bool:
        return tasks.schedule_preparation(now=True)

    def run_now(self) -> None:
        worked = reports.prepare_usual_ranges(timezone.localdate())
        self.stdout.write(
            f"{worked} report figure{'s' if worked != 1 else ''} worked out (per period and part of the people)."
        )
