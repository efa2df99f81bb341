"""Background tasks (django.tasks, stored by django-tasks-db and run by `python manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task

from chime.tasks import schedule_repeating
from ethics.services import safeguarding


@task()
def sweep_overdue_concerns() -> int:
    """Escalate overdue safeguarding concerns, then queue the next sweep. Returns how many were escalated."""
    try:
        return len(safeguarding.escalate_overdue())
    finally:  # even a failed sweep queues the next one, so escalation never silently stops
        schedule_sweep()


def schedule_sweep(*, now: bool = False) -> bool:
    """Queue a sweep CHIME_ESCALATION_SWEEP_MINUTES from now (or at once), unless one is already waiting to run.

    Called by `manage.py escalate_overdue --in-background` and by every sweep as it finishes (`schedule_repeating`).
    A sweep that overlaps another is harmless: escalation is idempotent.
    """
    every = dt.timedelta(minutes=settings.CHIME_ESCALATION_SWEEP_MINUTES)
    return schedule_repeating(sweep_overdue_concerns, every, now=now)
