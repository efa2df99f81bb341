"""Supervision records: only the supervisor and the practitioner who met ever see them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from sessions import services
from sessions.models import SupervisionRecord
from tests.factories import PersonFactory, PractitionerFactory


@pytest.fixture
def record(supervisor, practitioner, person):
    return services.record_supervision(
        supervisor=supervisor,
        practitioner=practitioner,
        met_on=timezone.localdate(),
        people_discussed=[person],
        agreed_actions="Sam to book a day off after the busy week.",
        wellbeing=SupervisionRecord.Wellbeing.STRETCHED,
        wellbeing_notes="Tired after covering for a colleague.",
    )


@pytest.mark.dates
def test_supervisor_records_a_supervision_meeting(client, supervisor, practitioner, person):
    client.force_login(supervisor)
    response = client.post(
        f"/team/{practitioner.pk}/supervision/new/",
        {
            "met_on": timezone.localdate().isoformat(),
            "people_discussed": [person.pk],
            "agreed_actions": "Try the new group.",
            "wellbeing": "well",
        },
    )
    record = SupervisionRecord.objects.get()
    assert response["Location"] == f"/supervision/{record.pk}/"
    assert list(record.people_discussed.all()) == [person] and record.practitioner == practitioner
    assert AuditEvent.objects.filter(action="create", object_type="support.SupervisionRecord").exists()


@pytest.mark.dates
def test_a_future_meeting_date_is_refused_and_nothing_is_stored(client, supervisor, practitioner):
    client.force_login(supervisor)
    response = client.post(
        f"/team/{practitioner.pk}/supervision/new/", {"met_on": "2999-01-01", "wellbeing": "well"}
    )
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not SupervisionRecord.objects.exists()


def test_people_from_another_caseload_cannot_be_named(client, supervisor, practitioner, others_person):
    client.force_login(supervisor)
    response = client.post(
        f"/team/{practitioner.pk}/supervision/new/",
        {
            "met_on": timezone.localdate().isoformat(),
            "people_discussed": [others_person.pk],
            "wellbeing": "well",
        },
    )
    assert response.status_code == 200 and not SupervisionRecord.objects.exists()


@pytest.mark.parametrize("user", ["supervisor", "practitioner"])
def test_both_people_in_the_meeting_can_read_the_record(client, request, record, user):
    client.force_login(request.getfixturevalue(user))
    page = client.get(f"/supervision/{record.pk}/").content.decode()
    assert "Tired after covering for a colleague." in page and "Dee" in page
    assert f"/supervision/{record.pk}/" in client.get("/supervision/").content.decode()


@pytest.mark.parametrize(
    "user", ["other_practitioner", "admin_user", "outsider", "colleague", "other_supervisor"]
)
def test_everyone_else_gets_404_for_get_and_post(client, request, record, practitioner, user):
    if user == "colleague":
        viewer = PractitionerFactory(supervisor=record.supervisor)  # same supervisor, not in the meeting
    elif user == "other_supervisor":
        viewer = PractitionerFactory().supervisor
    else:
        viewer = request.getfixturevalue(user)
    client.force_login(viewer)
    assert client.get(f"/supervision/{record.pk}/").status_code == 404
    assert client.post(f"/supervision/{record.pk}/", {}).status_code == 404
    assert f"/supervision/{record.pk}/" not in client.get("/supervision/").content.decode()
    assert client.get(f"/team/{practitioner.pk}/supervision/new/").status_code == 404
    assert client.post(f"/team/{practitioner.pk}/supervision/new/", {"wellbeing": "well"}).status_code == 404
    assert SupervisionRecord.objects.count() == 1


def test_a_supervision_record_never_shows_on_the_persons_record(client, supervisor, record, person):
    client.force_login(supervisor)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Tired after covering" not in page and "/supervision/" not in page


@pytest.mark.parametrize("records", [1, 30])
def test_supervision_list_query_count_is_flat(
    client, supervisor, practitioner, records, django_assert_num_queries
):
    for _ in range(records):
        services.record_supervision(
            supervisor=supervisor,
            practitioner=practitioner,
            met_on=timezone.localdate(),
            people_discussed=[PersonFactory(practitioner=practitioner)],
            agreed_actions="",
            wellbeing="well",
            wellbeing_notes="",
        )
    client.force_login(practitioner)
    # session, user, count, page of records with both people, unread notifications
    with django_assert_num_queries(5):
        client.get("/supervision/")
