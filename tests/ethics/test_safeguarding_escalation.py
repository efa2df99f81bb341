"""The escalation sweep: on time, once, to the right people, from cron and from the background worker."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from chime.models import Notification
from ethics import tasks
from ethics.models import Concern, ConcernEscalation
from ethics.services import safeguarding as services
from tests.ethics.safeguarding import make_lead, raise_concern
from tests.factories import AdminFactory

LONDON = ZoneInfo("Europe/London")
TUESDAY_10AM = dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


@pytest.fixture
def concern(person):
    """An urgent concern raised on Tuesday at 10:00: to be acknowledged by 17:00 the same day."""
    with time_machine.travel(TUESDAY_10AM, tick=False):
        return raise_concern(person, level="urgent")


def sweep_at(moment: dt.datetime) -> list[ConcernEscalation]:
    with time_machine.travel(moment, tick=False):
        return services.escalate_overdue()


def test_nothing_is_escalated_before_the_deadline(concern):
    assert sweep_at(concern.acknowledge_by) == []
    concern.refresh_from_db()
    assert concern.escalation_level == 0


def test_exactly_one_escalation_just_past_the_deadline(concern):
    escalations = sweep_at(concern.acknowledge_by + dt.timedelta(seconds=1))
    assert [(e.concern, e.level, e.missed) for e in escalations] == [(concern, 1, "acknowledge")]
    concern.refresh_from_db()
    assert concern.escalation_level == Concern.Escalation.SUPERVISOR
    assert concern.events.filter(kind="escalated", by=None).count() == 1


def test_a_second_sweep_at_the_same_moment_escalates_nothing_more(concern):
    moment = concern.acknowledge_by + dt.timedelta(minutes=5)
    sweep_at(moment)
    assert sweep_at(moment) == []
    assert ConcernEscalation.objects.count() == 1


def test_a_concern_still_overdue_goes_to_the_leads_then_the_admins_then_stops(concern, lead):
    AdminFactory()
    first = concern.acknowledge_by + dt.timedelta(minutes=1)  # Tuesday 17:01
    sweep_at(first)
    assert sweep_at(first + dt.timedelta(minutes=30)) == []  # urgent: again after 2 working hours
    assert [e.level for e in sweep_at(dt.datetime(2026, 11, 25, 11, 1, tzinfo=LONDON))] == [2]
    assert [e.level for e in sweep_at(dt.datetime(2026, 11, 25, 13, 2, tzinfo=LONDON))] == [3]
    assert sweep_at(dt.datetime(2026, 12, 25, 13, 0, tzinfo=LONDON)) == []
    assert list(concern.escalations.values_list("level", flat=True)) == [1, 2, 3]


def test_acknowledging_stops_the_acknowledge_escalation_and_the_act_deadline_takes_over(concern, supervisor):
    sweep_at(concern.acknowledge_by + dt.timedelta(minutes=1))
    with time_machine.travel(concern.acknowledge_by + dt.timedelta(minutes=2), tick=False):
        services.acknowledge_concern(concern=concern, by=supervisor)
    concern.refresh_from_db()
    assert concern.due_at == concern.act_by == dt.datetime(2026, 11, 25, 17, 0, tzinfo=LONDON)
    assert sweep_at(concern.act_by - dt.timedelta(minutes=1)) == []
    escalations = sweep_at(concern.act_by + dt.timedelta(minutes=1))
    assert [(e.level, e.missed) for e in escalations] == [(2, "act")]


def test_a_decision_ends_the_deadlines(concern, supervisor):
    from tests.ethics.safeguarding import walk_to

    with time_machine.travel(TUESDAY_10AM + dt.timedelta(hours=1), tick=False):
        walk_to(concern, Concern.State.NO_FURTHER_ACTION, supervisor)
    assert concern.due_at is None
    assert sweep_at(TUESDAY_10AM + dt.timedelta(days=30)) == []


def test_escalation_notifies_the_supervisor_in_the_app_and_by_email_without_naming_the_person(
    concern, supervisor, lead, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()  # the one sent when the concern was raised
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(concern.acknowledge_by + dt.timedelta(minutes=1))
    notification = Notification.objects.get()
    assert notification.recipient == supervisor
    assert notification.url == f"/safeguarding/concerns/{concern.pk}/"
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert concern.person.preferred_name not in mail.outbox[0].body + mail.outbox[0].subject
    assert "escalated" in mail.outbox[0].body


def test_the_second_level_notifies_every_safeguarding_lead_and_no_one_else(concern, supervisor, lead):
    other_lead = make_lead()
    sweep_at(concern.acknowledge_by + dt.timedelta(minutes=1))
    Notification.objects.all().delete()
    sweep_at(dt.datetime(2026, 11, 25, 11, 1, tzinfo=LONDON))
    assert set(Notification.objects.values_list("recipient", flat=True)) == {lead.pk, other_lead.pk}


def test_the_third_level_notifies_the_admins(concern, lead):
    admin = AdminFactory()
    for moment in ((2026, 11, 24, 17, 1), (2026, 11, 25, 11, 1)):
        sweep_at(dt.datetime(*moment, tzinfo=LONDON))
    Notification.objects.all().delete()
    sweep_at(dt.datetime(2026, 11, 25, 13, 2, tzinfo=LONDON))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [admin.pk]


def test_raising_a_concern_tells_the_supervisor_and_the_leads_in_the_app(person, supervisor, lead):
    raise_concern(person, level="standard")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {supervisor.pk, lead.pk}
    Notification.objects.all().delete()
    raise_concern(person, level="immediate")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {supervisor.pk, lead.pk}


def test_the_management_command_sweeps_for_cron(concern):
    out = StringIO()
    with time_machine.travel(concern.acknowledge_by + dt.timedelta(minutes=1), tick=False):
        call_command("escalate_overdue", stdout=out)
        call_command("escalate_overdue", stdout=out)
    assert out.getvalue().splitlines() == ["Escalated 1 overdue concern.", "Escalated 0 overdue concerns."]


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_sweeps_and_queues_the_next_sweep(concern, settings):
    settings.CHIME_ESCALATION_SWEEP_MINUTES = 5
    moment = concern.acknowledge_by + dt.timedelta(minutes=1)
    with time_machine.travel(moment, tick=False):
        call_command("escalate_overdue", "--in-background", stdout=StringIO())
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert concern.escalations.count() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == "ethics.tasks.sweep_overdue_concerns"
    assert waiting.run_after == moment + dt.timedelta(minutes=5)


def test_queueing_the_background_sweep_twice_queues_it_once(db):
    assert tasks.schedule_sweep() is True
    assert tasks.schedule_sweep() is False
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_once_escalate_each_concern_once(person, supervisor):
    with time_machine.travel(TUESDAY_10AM, tick=False):
        concerns = [raise_concern(person, level="urgent") for _ in range(6)]
    moment = concerns[0].acknowledge_by + dt.timedelta(minutes=1)
    barrier = threading.Barrier(2)
    results: list[list[ConcernEscalation]] = []

    def sweep():
        try:
            barrier.wait()
            results.append(services.escalate_overdue(now=moment))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    escalated = sorted(e.concern_id for run in results for e in run)
    assert escalated == sorted(c.pk for c in concerns)
    assert ConcernEscalation.objects.count() == 6
    assert Notification.objects.filter(recipient=supervisor).count() == 6 + 6  # raised, then escalated
