"""Background tasks (django.tasks, stored by django-tasks-db and run by `python manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

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

    Called by `manage.py escalate_overdue --in-background` (make run, and once on deploy) and by every sweep as it
    finishes, so sweeps repeat for as long as a worker runs. Returns whether a sweep was queued now.
    A sweep that overlaps another is harmless: escalation is idempotent.
    """
    from django_tasks_db.models import DBTaskResult

    path = sweep_overdue_concerns.module_path
    if DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists():
        return False
    delay = dt.timedelta(minutes=0 if now else settings.CHIME_ESCALATION_SWEEP_MINUTES)
    run_after = timezone.now() + delay
    sweep_overdue_concerns.using(run_after=run_after).enqueue()
    return True
