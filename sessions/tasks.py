"""Background tasks of the sessions app (django.tasks, stored by django-tasks-db and run by `manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from chime.tasks import schedule_repeating
from sessions import reports

# How often the report's usual ranges are prepared: a change waits at most this long before its part of the
# people is worked out again in the background (a report opened sooner works that part out itself).
PREPARE_EVERY = dt.timedelta(minutes=5)


@task()
def prepare_report_figures() -> int:
    """Work out the report figures of the usual ranges that are missing or were set aside
    (`reports.prepare_usual_ranges`), then queue the next run. Returns how many (period, part) were worked out."""
    try:
        return reports.prepare_usual_ranges(timezone.localdate())
    finally:  # even a failed run queues the next one, so preparing never silently stops
        schedule_preparation()


def schedule_preparation(*, now: bool = False) -> bool:
    """Queue the preparation PREPARE_EVERY from now (or at once), unless one is already waiting. Called by
    `manage.py prepare_report_figures --in-background` and by every run as it finishes."""
    return schedule_repeating(prepare_report_figures, PREPARE_EVERY, now=now)
