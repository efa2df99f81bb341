from __future__ import annotations

from chime.management.repeating import RepeatingTaskCommand
from ethics import tasks
from ethics.services.safeguarding import escalate_overdue


class Command(RepeatingTaskCommand):
    help = (
        "Escalate every safeguarding concern past its deadline to the next level. Safe to run at any time "
        "(from cron, say every 5 minutes). With --in-background, queue the repeating sweep for the worker instead."
    )
    what, every = "Escalation sweep", "every CHIME_ESCALATION_SWEEP_MINUTES"

    def schedule(self) -> bool:
        return tasks.schedule_sweep(now=True)

    def run_now(self) -> None:
        escalations = escalate_overdue()
        self.stdout.write(
            f"Escalated {len(escalations)} overdue concern{'s' if len(escalations) != 1 else ''}."
        )
