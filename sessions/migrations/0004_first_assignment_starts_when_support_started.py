"""Mend existing records: a person's first caseload assignment started when the record was typed, not when support
started, so "who has supported them" disagreed with "supported since". The first assignment now starts at the
start of the `support_started` day (in the organisation's time zone), as sessions.services.add_person does."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def mend_first_assignment_starts(apps, schema_editor) -> int:
    """Move each person's first assignment to the start of their `support_started` day. Returns how many moved.

    An assignment that ended before that day (a back-dated start after a move) is left alone: moving it would make
    it end before it starts.
    """
    Person = apps.get_model("support", "Person")
    CaseloadAssignment = apps.get_model("support", "CaseloadAssignment")
    firsts = CaseloadAssignment.objects.order_by("person_id", "started_at", "pk").distinct("person_id")
    started = dict(Person.objects.values_list("pk", "support_started"))
    moved = 0
    for assignment in firsts:
        start = timezone.make_aware(dt.datetime.combine(started[assignment.person_id], dt.time.min))
        if assignment.started_at == start or (assignment.ended_at and assignment.ended_at <= start):
            continue
        CaseloadAssignment.objects.filter(pk=assignment.pk).update(started_at=start)
        moved += 1
    return moved


class Migration(migrations.Migration):
    dependencies = [("support", "0003_supervision_reviews_and_records")]

    operations = [migrations.RunPython(mend_first_assignment_starts, migrations.RunPython.noop)]
