"""One start date: "supported since" and "who has supported them" agree, for new records and mended old ones."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from sessions import services
from sessions.models import CaseloadAssignment, start_of_day
from tests.factories import PersonFactory, PractitionerFactory

mend = importlib.import_module("sessions.migrations.0004_first_assignment_starts_when_support_started")

DETAILS = {"preferred_name": "Dee", "chose_to_take_part": True}


@pytest.mark.dates
def test_a_person_added_with_an_earlier_start_is_supported_from_that_day(practitioner):
    started = timezone.localdate() - dt.timedelta(days=40)
    person = services.add_person(
        practitioner=practitioner, added_by=practitioner, support_started=started, **DETAILS
    )
    assignment = CaseloadAssignment.objects.get(person=person)
    assert assignment.started_at == start_of_day(started)
    assert timezone.localdate(assignment.started_at) == person.support_started


@pytest.mark.dates
def test_the_person_page_gives_one_start_date(client, practitioner):
    started = timezone.localdate() - dt.timedelta(days=40)
    person = services.add_person(
        practitioner=practitioner, added_by=practitioner, support_started=started, **DETAILS
    )
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/").content.decode()
    shown = f"{started:%-d %b %Y}"
    assert f"since {shown}" in html and f"Sam Okafor: {shown} – now" in html


@pytest.mark.dates
def test_changing_the_start_moves_the_first_assignment_only(practitioner, supervisor):
    person = services.add_person(practitioner=practitioner, added_by=practitioner, **DETAILS)
    services.move_person(
        person=person, to_practitioner=PractitionerFactory(supervisor=supervisor), moved_by=supervisor
    )
    moved_at = CaseloadAssignment.objects.get(person=person, ended_at__isnull=True).started_at
    person.refresh_from_db()
    person.practitioner.refresh_from_db()
    earlier = timezone.localdate() - dt.timedelta(days=100)
    services.update_person(person=person, editor=person.practitioner, support_started=earlier)
    first, current = CaseloadAssignment.objects.filter(person=person).order_by("started_at")
    assert (first.started_at, current.started_at) == (start_of_day(earlier), moved_at)


@pytest.mark.dates
def test_the_data_migration_mends_first_assignments_typed_after_support_started(practitioner):
    started = timezone.localdate() - dt.timedelta(days=200)
    wrong = PersonFactory(practitioner=practitioner, support_started=started)
    CaseloadAssignment.objects.filter(person=wrong).update(
        started_at=timezone.now()
    )  # as recorded before the fix
    right = PersonFactory(practitioner=practitioner, support_started=started)
    assert mend.mend_first_assignment_starts(apps, None) == 1
    assert CaseloadAssignment.objects.get(person=wrong).started_at == start_of_day(started)
    assert CaseloadAssignment.objects.get(person=right).started_at == start_of_day(started)


@pytest.mark.dates
def test_the_data_migration_leaves_a_later_assignment_and_one_that_ended_before_the_start(
    practitioner, supervisor
):
    started = timezone.localdate() - dt.timedelta(days=10)
    person = PersonFactory(practitioner=practitioner, support_started=started)
    ended_early = timezone.now() - dt.timedelta(days=30)
    CaseloadAssignment.objects.filter(person=person).update(
        started_at=ended_early - dt.timedelta(days=5), ended_at=ended_early
    )
    later = CaseloadAssignment.objects.create(
        person=person, practitioner=PractitionerFactory(), started_at=ended_early
    )
    assert mend.mend_first_assignment_starts(apps, None) == 0
    assert CaseloadAssignment.objects.get(pk=later.pk).started_at == ended_early
