from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from chime.models import AuditEvent, Notification
from ethics.models import EmergencyAccess
from ethics.services import emergency
from sessions import access
from tests.factories import SupportSessionFactory

WHY = "She told her GP she has a plan to end her life tonight; I need her safety plan and contacts."


def _declare(user, person, **overrides):
    values = {"user": user, "person": person, "reason": "risk_to_person", "justification": WHY}
    return emergency.declare_emergency_access(**{**values, **overrides})


def test_declaring_opens_one_persons_record_for_sixty_minutes(other_practitioner, person, others_person):
    with pytest.raises(Http404):
        access.get_person_for(other_practitioner, person.pk)
    grant = _declare(other_practitioner, person)
    assert grant.expires_at - grant.started_at == dt.timedelta(minutes=60)
    assert access.get_person_for(other_practitioner, person.pk) == person


def test_emergency_access_expires_after_its_window(other_practitioner, person):
    session = SupportSessionFactory(person=person)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _declare(other_practitioner, person)
        clock.shift(dt.timedelta(minutes=59))
        assert access.get_session_for(other_practitioner, session.pk) == session
        clock.shift(dt.timedelta(minutes=2))
        with pytest.raises(Http404):
            access.get_session_for(other_practitioner, session.pk)


def test_emergency_access_is_read_only(other_practitioner, person):
    from django.core.exceptions import PermissionDenied

    _declare(other_practitioner, person)
    with pytest.raises(PermissionDenied):
        access.get_person_for(other_practitioner, person.pk, write=True)


def test_a_justification_is_required_and_nothing_is_opened_without_one(other_practitioner, person):
    with pytest.raises(emergency.EmergencyError) as error:
        _declare(other_practitioner, person, justification="urgent")
    assert error.value.code == "no_justification"
    assert not EmergencyAccess.objects.exists()


def test_staff_without_a_role_cannot_declare(outsider, person):
    with pytest.raises(emergency.EmergencyError):
        _declare(outsider, person)


def test_each_use_is_audited_and_notifies_the_supervisor_and_admins(
    other_practitioner, person, supervisor, admin_user
):
    grant = _declare(other_practitioner, person)
    event = AuditEvent.objects.get(action="emergency_access")
    assert (event.actor, event.person_id, event.object_id) == (other_practitioner, person.pk, str(grant.pk))
    assert "Risk of harm to the person" in event.reason
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {supervisor.username, admin_user.username}


def test_someone_else_must_close_the_review_once(other_practitioner, person, supervisor):
    grant = _declare(other_practitioner, person)
    with pytest.raises(emergency.EmergencyError, match="Someone other than the person who asked"):
        emergency.review_emergency_access(grant=grant, reviewer=other_practitioner, outcome="justified")
    emergency.review_emergency_access(
        grant=grant, reviewer=supervisor, outcome="justified", notes="Right call."
    )
    with pytest.raises(emergency.EmergencyError, match="already been reviewed"):
        emergency.review_emergency_access(grant=grant, reviewer=supervisor, outcome="not_justified")
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_outcome) == (supervisor, "justified")
    assert AuditEvent.objects.filter(action="review", actor=supervisor).count() == 1


def test_the_declaration_cannot_be_rewritten_in_the_database(other_practitioner, person):
    from django.db import transaction

    grant = _declare(other_practitioner, person)
    with pytest.raises(Exception, match="read.only|Cannot|ReadOnly"), transaction.atomic():
        EmergencyAccess.objects.filter(pk=grant.pk).update(justification="something else")


def test_review_queue_shows_supervisees_people_to_their_supervisor_only(
    client, other_practitioner, person, supervisor, admin_user
):
    grant = _declare(other_practitioner, person)
    client.force_login(supervisor)
    assert person.preferred_name in client.get("/emergency/reviews/").content.decode()
    client.force_login(other_practitioner.supervisor)
    assert client.get(f"/emergency/reviews/{grant.pk}/").status_code == 404
    assert client.post(f"/emergency/reviews/{grant.pk}/", {"outcome": "justified"}).status_code == 404


def test_the_user_who_acted_sees_their_use_but_cannot_review_it(client, other_practitioner, person):
    grant = _declare(other_practitioner, person)
    client.force_login(other_practitioner)
    assert client.get(f"/emergency/reviews/{grant.pk}/").status_code == 200
    assert client.post(f"/emergency/reviews/{grant.pk}/", {"outcome": "justified"}).status_code == 403


def test_declaring_through_the_page_shows_the_banner(client, other_practitioner, person):
    client.force_login(other_practitioner)
    results = client.post("/emergency/", {"name": person.preferred_name}).content.decode()
    assert f"/emergency/people/{person.pk}/" in results
    response = client.post(
        f"/emergency/people/{person.pk}/", {"reason": "risk_to_others", "justification": WHY}, follow=True
    )
    assert "Emergency access." in response.content.decode()


def test_a_short_justification_on_the_page_stores_nothing(client, other_practitioner, person):
    client.force_login(other_practitioner)
    response = client.post(
        f"/emergency/people/{person.pk}/", {"reason": "risk_to_person", "justification": "now"}
    )
    assert response.status_code == 200
    assert not EmergencyAccess.objects.exists()


def test_outsiders_cannot_search_or_declare(client, outsider, person):
    client.force_login(outsider)
    assert client.post("/emergency/", {"name": "Dee"}).status_code == 403
    assert (
        client.post(
            f"/emergency/people/{person.pk}/", {"reason": "risk_to_person", "justification": WHY}
        ).status_code
        == 404
    )


def test_sharing_without_consent_under_the_exception_is_a_reviewed_disclosure(
    practitioner, person, supervisor, admin_user
):
    from ethics.models import ContentKind, Disclosure
    from tests.factories import SharingPurposeFactory

    purpose = SharingPurposeFactory()
    disclosure = emergency.share_under_risk_of_harm(
        person=person,
        purpose=purpose,
        recipient="Crisis team",
        content_kinds=[ContentKind.CONTACT_DETAILS],
        shared_by=practitioner,
        reason="risk_to_person",
        justification=WHY,
    )
    assert (disclosure.legal_basis, disclosure.consent, disclosure.justification) == (
        "risk_of_harm",
        None,
        WHY,
    )
    grant = EmergencyAccess.objects.get(disclosure=disclosure)
    assert (grant.kind, grant.reviewed_at) == ("share", None)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"supervisor", "admin"}
    assert AuditEvent.objects.filter(action="share", person_id=person.pk, outcome="success").exists()
    # A share opens no record: nobody gains access through it.
    assert not EmergencyAccess.objects.active_for(practitioner).exists()
    assert Disclosure.objects.count() == 1


def test_the_share_page_refuses_without_consent_and_allows_the_exception(client, practitioner, person):
    from ethics.models import Disclosure
    from tests.factories import SharingPurposeFactory

    purpose = SharingPurposeFactory()
    client.force_login(practitioner)
    data = {"purpose": purpose.pk, "recipient": "Crisis team", "content_kinds": ["contact_details"]}
    refused = client.post(f"/people/{person.pk}/share/", data)
    assert refused.status_code == 200 and not Disclosure.objects.exists()
    short = client.post(
        f"/people/{person.pk}/share/",
        {**data, "risk_of_harm": "on", "risk": "risk_to_person", "justification": "urgent"},
    )
    assert "cannot wait for consent" in short.content.decode() and not Disclosure.objects.exists()
    response = client.post(
        f"/people/{person.pk}/share/",
        {**data, "risk_of_harm": "on", "risk": "risk_to_person", "justification": WHY},
    )
    disclosure = Disclosure.objects.get()
    assert response["Location"] == f"/disclosures/{disclosure.pk}/"
    assert disclosure.legal_basis == "risk_of_harm"
