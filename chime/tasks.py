"""Background tasks of the core (django.tasks, stored by django-tasks-db and run by `python manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import Task, TaskResultStatus, task
from django.utils import timezone

from chime import drafts
from chime.checkpoints import take_checkpoint


def schedule_repeating(repeating: Task, every: dt.timedelta, *, now: bool = False) -> bool:
    """Queue `repeating` to run `every` from now (or at once), unless a run of it is already waiting: how each
    repeating task queues its next run as it finishes, and how `--in-background` (make run, and once on deploy)
    starts it, so it repeats for as long as a worker runs. Returns whether a run was queued now."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=repeating.module_path, status=TaskResultStatus.READY).exists():
        return False
    repeating.using(run_after=timezone.now() + (dt.timedelta(0) if now else every)).enqueue()
    return True


@task()
def checkpoint_audit_chain() -> int | None:
    """Checkpoint the audit chain's head outside the database, then queue the next checkpoint. Returns the row id
    checkpointed (None while the trail is empty). Fails, loudly, when the trail no longer matches the last one."""
    try:
        checkpoint, _ = take_checkpoint()
        return checkpoint.row_id if checkpoint else None
    finally:  # even a failed checkpoint queues the next one, so checkpoints never silently stop
        schedule_checkpoint()


def schedule_checkpoint(*, now: bool = False) -> bool:
    """Queue a checkpoint CHIME_AUDIT_CHECKPOINT_MINUTES from now (or at once), unless one is already waiting.

    Called by `manage.py checkpoint_audit_chain --in-background` and by every checkpoint as it finishes."""
    every = dt.timedelta(minutes=settings.CHIME_AUDIT_CHECKPOINT_MINUTES)
    return schedule_repeating(checkpoint_audit_chain, every, now=now)


DRAFT_SWEEP_EVERY = dt.timedelta(hours=1)


@task()
def delete_expired_drafts() -> int:
    """Delete the drafts nobody has typed in for CHIME_DRAFT_DAYS, then queue the next sweep. Returns how many."""
    try:
        return drafts.delete_expired_drafts()
    finally:
        schedule_draft_sweep()


def schedule_draft_sweep(*, now: bool = False) -> bool:
    """Queue the draft sweep an hour from now (or at once), unless one is already waiting. Called by
    `manage.py delete_expired_drafts --in-background` and by every sweep."""
    return schedule_repeating(delete_expired_drafts, DRAFT_SWEEP_EVERY, now=now)
