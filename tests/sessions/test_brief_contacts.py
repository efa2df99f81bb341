"""Brief contacts: outreach and drop-in conversations with no name needed, linked to a person's record later."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from sessions.models import BriefContact
from tests.factories import PersonFactory
from tests.groups import brief_contact

pytestmark = pytest.mark.django_db


def test_a_practitioner_records_a_brief_contact_without_a_name(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        "/brief-contacts/new/",
        {
            "occurred_on": timezone.localdate().isoformat(),
            "duration_minutes": "15",
            "location": "Market square outreach",
            "areas": ["connectedness", "hope"],
            "signposted_to": "Food bank",
            "submission_key": str(uuid.uuid4()),
        },
    )
    contact = BriefContact.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/brief-contacts/")
    assert (contact.person, contact.areas, contact.recorded_by) == (
        None,
        ["connectedness", "hope"],
        practitioner,
    )


def test_a_brief_contact_in_the_future_is_refused_beside_the_date(client, practitioner):
    client.force_login(practitioner)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        "/brief-contacts/new/",
        {"occurred_on": tomorrow.isoformat(), "duration_minutes": "-5", "submission_key": str(uuid.uuid4())},
    )
    errors = response.context["form"].errors
    assert (errors["occurred_on"], "duration_minutes" in errors) == (["This cannot be in the future."], True)
    assert not BriefContact.objects.exists()


def test_a_brief_contact_is_linked_to_a_person_who_chose_to_join(client, practitioner, person):
    contact = brief_contact(practitioner)
    client.force_login(practitioner)
    response = client.post(f"/brief-contacts/{contact.pk}/link/", {"person": person.pk})
    contact.refresh_from_db()
    assert (response.status_code, contact.person) == (302, person)
    row = AuditEvent.objects.filter(object_type="support.BriefContact", action="update").get()
    assert row.person_id == person.pk


def test_a_brief_contact_cannot_be_linked_to_someone_elses_person(client, practitioner, others_person):
    contact = brief_contact(practitioner)
    client.force_login(practitioner)
    response = client.post(f"/brief-contacts/{contact.pk}/link/", {"person": others_person.pk})
    contact.refresh_from_db()
    assert (response.status_code, contact.person) == (200, None)
    assert response.context["form"].errors["person"] == ["Choose someone on your caseload."]
    assert others_person.preferred_name not in response.content.decode()


def test_another_practitioner_gets_404_for_a_brief_contact(client, practitioner, other_practitioner):
    contact = brief_contact(practitioner, location="qz-place")
    client.force_login(other_practitioner)
    assert client.get(f"/brief-contacts/{contact.pk}/link/").status_code == 404
    assert "qz-place" not in client.get("/brief-contacts/").content.decode()


def test_a_supervisor_sees_their_teams_brief_contacts(client, practitioner, supervisor):
    brief_contact(practitioner, location="qz-place")
    client.force_login(supervisor)
    assert "qz-place" in client.get("/brief-contacts/").content.decode()


@pytest.mark.parametrize("contacts", [1, 6])
def test_the_brief_contacts_list_query_count_is_flat(
    client, practitioner, contacts, django_assert_num_queries
):
    for _ in range(contacts):
        contact = brief_contact(practitioner)
        BriefContact.objects.filter(pk=contact.pk).update(person=PersonFactory(practitioner=practitioner))
    client.force_login(practitioner)
    # session, user, count (pagination), a page of contacts with recorder and person, the services they were
    # signposted to (prefetch), audit (lock, last hash, insert), unread notifications
    with django_assert_num_queries(9):
        client.get("/brief-contacts/")
