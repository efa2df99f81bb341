"""Background tasks of the core (django.tasks, stored by django-tasks-db and run by `python manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from chime import drafts
from chime.checkpoints import take_checkpoint


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

    Called by `manage.py checkpoint_audit_chain --in-background` (make run, and once on deploy) and by every
    checkpoint as it finishes, so checkpoints repeat for as long as a worker runs. Returns whether one was queued.
    """
    from django_tasks_db.models import DBTaskResult

    path = checkpoint_audit_chain.module_path
    if DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists():
        return False
    delay = dt.timedelta(minutes=0 if now else settings.CHIME_AUDIT_CHECKPOINT_MINUTES)
    checkpoint_audit_chain.using(run_after=timezone.now() + delay).enqueue()
    return True


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
    `manage.py delete_expired_drafts --in-background` (make run, and once on deploy) and by every sweep."""
    from django_tasks_db.models import DBTaskResult

    path = delete_expired_drafts.module_path
    if DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists():
        return False
    delay = dt.timedelta(0) if now else DRAFT_SWEEP_EVERY
    delete_expired_drafts.using(run_after=timezone.now() + delay).enqueue()
    return True
