"""Is Chime running as it should? Four checks for the health endpoint and the admins' home page.

- the database answers;
- every migration is applied;
- the background worker (`manage.py db_worker`, django-tasks-db) started a task recently. Its only trace is the
  task rows it claims (`started_at`); the audit checkpoint and the escalation sweep queue themselves again every few
  minutes, so a running worker starts one at least every CHIME_AUDIT_CHECKPOINT_MINUTES;
- no audit row has waited too long for a checkpoint (chime/checkpoints.py): a quiet night writes no checkpoint,
  and that is healthy; a row left unchecked for CHIME_HEALTH_STALE_MINUTES is not.

Plus, for people only, when the last backup was made (`manage.py backup` into CHIME_BACKUP_DIR), which never makes
Chime unhealthy: a server backed up by other means (pgBackRest) has no such files.
Nothing here reads or reports anything about a person: times and counts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from chime import backups
from chime.checkpoints import CheckpointError, read_checkpoints
from chime.models import AuditEvent


@dataclass(frozen=True)
class Check:
    name: str  # a stable key for monitoring: database, migrations, worker, audit_checkpoint
    healthy: bool
    detail: str  # plain words for an admin, e.g. "The background worker last ran 2 minutes ago."


@dataclass(frozen=True)
class Report:
    checks: list[Check]
    last_backup: str

    @property
    def healthy(self) -> bool:
        return all(check.healthy for check in self.checks)


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    """'just now', '1 minute ago', '2 hours ago', 'yesterday 02:00', '3 days ago (28 November 02:00)'."""
    if moment is None:
        return "never"
    minutes = int((now - moment).total_seconds() // 60)
    local, today = timezone.localtime(moment), timezone.localdate(now)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if local.date() == today:
        return f"{minutes // 60} hour{'s' if minutes >= 120 else ''} ago"
    if local.date() == today - dt.timedelta(days=1):
        return f"yesterday {local:%H:%M}"
    return f"{(today - local.date()).days} days ago ({local:%-d %B %H:%M})"


def _stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CHIME_HEALTH_STALE_MINUTES)


def check_database(using: str = DEFAULT_DB_ALIAS) -> Check:
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Check("database", False, "The database cannot be reached.")
    return Check("database", True, "The database answers.")


_all_applied: set[str] = set()  # a process never sees a migration unapplied once it has seen it applied


def check_migrations(using: str = DEFAULT_DB_ALIAS) -> Check:
    if using not in _all_applied:
        executor = MigrationExecutor(connections[using])
        waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if waiting:
            return Check(
                "migrations",
                False,
                f"{len(waiting)} migration{'s are' if len(waiting) != 1 else ' is'} not applied yet: "
                "run `python manage.py migrate`.",
            )
        _all_applied.add(using)
    return Check("migrations", True, "Every migration is applied.")


def worker_last_seen() -> dt.datetime | None:
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.exclude(started_at=None)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )


def check_worker(now: dt.datetime) -> Check:
    seen = worker_last_seen()
    words = (
        f"The background worker last ran {ago(seen, now)}."
        if seen
        else "The background worker has never run."
    )
    if seen is None or now - seen > _stale_after():
        return Check("worker", False, f"{words} Is `python manage.py db_worker` running?")
    return Check("worker", True, words)


def check_audit_checkpoint(now: dt.datetime) -> Check:
    try:
        latest = (read_checkpoints() or [None])[-1]
    except CheckpointError:
        return Check(
            "audit_checkpoint", False, "The audit checkpoint file cannot be trusted: run verify_audit_chain."
        )
    # Its row is still there with its hash (counting every row up to it, as verify_audit_chain does, would take
    # a fifth of a second on half a million rows: too slow for a probe every few seconds).
    if latest is not None and not AuditEvent.objects.filter(pk=latest.row_id, hash=latest.hash).exists():
        return Check(
            "audit_checkpoint",
            False,
            "The audit trail no longer matches its checkpoint: run verify_audit_chain.",
        )
    taken = dt.datetime.fromisoformat(latest.at) if latest else None
    words = f"Audit checkpoint: {ago(taken, now)}." if taken else "No audit checkpoint yet."
    unchecked = AuditEvent.objects.filter(pk__gt=latest.row_id) if latest else AuditEvent.objects.all()
    oldest_unchecked = unchecked.order_by("pk").values_list("at", flat=True).first()
    if oldest_unchecked is not None and now - oldest_unchecked > _stale_after():
        return Check(
            "audit_checkpoint", False, f"{words} Audit rows from {ago(oldest_unchecked, now)} have none yet."
        )
    return Check("audit_checkpoint", True, words)


def last_backup_words(now: dt.datetime) -> str:
    latest = backups.latest_backup_time()
    if latest is None:
        return f"No backup made with `manage.py backup` in {settings.CHIME_BACKUP_DIR}."
    return f"Last backup: {ago(latest, now)}."


def report() -> Report:
    """Every check, the database's first: when it cannot be reached, the others are not tried."""
    now = timezone.now()
    database = check_database()
    if not database.healthy:
        return Report(checks=[database], last_backup=last_backup_words(now))
    return Report(
        checks=[database, check_migrations(), check_worker(now), check_audit_checkpoint(now)],
        last_backup=last_backup_words(now),
    )
