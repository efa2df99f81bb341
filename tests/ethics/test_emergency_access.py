from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from chime.models import AuditEvent, Notification
from ethics.forms.consent import SOMEONE_ELSE
from ethics.models import EmergencyAccess, EmergencySearch
from ethics.services import emergency
from sessions import access
from tests.factories import PersonFactory, SupportSessionFactory

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


def _declare_on_the_page(client, name="Dee", **overrides):
    data = {"name_sought": name, "reason": "risk_to_others", "justification": WHY, **overrides}
    return client.post("/emergency/", data)


def test_the_declaration_comes_before_any_match_is_shown(client, other_practitioner, person):
    client.force_login(other_practitioner)
    response = _declare_on_the_page(client, name="de")
    search = EmergencySearch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/emergency/{search.pk}/"
    assert (search.user, search.name_sought, search.reason, search.justification) == (
        other_practitioner,
        "de",
        "risk_to_others",
        WHY,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.EMERGENCY_ACCESS)
    assert (event.object_type, event.object_id, event.person_id) == (
        "ethics.EmergencySearch",
        str(search.pk),
        None,
    )
    assert (
        event.reason == "declared before looking anyone up: Risk of harm to others"
    )  # no name, no free text


def test_a_name_alone_shows_nobody_and_records_nothing(client, other_practitioner, person):
    client.force_login(other_practitioner)
    response = client.post("/emergency/", {"name_sought": "Dee"})
    assert response.status_code == 200
    # Attribute values (the typed name, the random CSRF token) are left out: only what the page shows counts.
    shown = re.sub(r"""(value|hx-headers)=("[^"]*"|'[^']*')""", "", response.content.decode())
    assert "Dee" not in shown
    assert not EmergencySearch.objects.exists()
    assert not AuditEvent.objects.filter(person_id=person.pk).exists()


def test_the_matches_show_just_enough_to_pick_and_audit_each_person_shown(
    client, other_practitioner, person, practitioner
):
    deedee = PersonFactory(practitioner=practitioner, preferred_name="Deedee")
    PersonFactory(practitioner=practitioner, preferred_name="Marcus")
    client.force_login(other_practitioner)
    search_url = _declare_on_the_page(client, name="dee")["Location"]
    page = client.get(search_url)
    assert [p.preferred_name for p in page.context["people"]] == ["Dee", "Deedee"]
    html = page.content.decode()
    assert "Marcus" not in html and practitioner.name not in html  # nor who supports them
    search_pk = search_url.split("/")[2]
    shown = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="emergency matches")
    assert (shown.object_id, shown.people) == (search_pk, [person.pk, deedee.pk])  # one row naming each


def test_a_declaration_with_no_match_is_still_recorded(client, other_practitioner, person):
    client.force_login(other_practitioner)
    page = client.get(_declare_on_the_page(client, name="Nobody here")["Location"])
    assert "No one matches that name. Your declaration has been recorded." in page.content.decode()
    assert EmergencySearch.objects.get().name_sought == "Nobody here"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMERGENCY_ACCESS).count() == 1


def test_picking_a_match_opens_the_record_with_the_declaration_behind_it(client, other_practitioner, person):
    client.force_login(other_practitioner)
    search = EmergencySearch.objects.get(pk=_declare_on_the_page(client)["Location"].split("/")[2])
    response = client.post(f"/emergency/{search.pk}/people/{person.pk}/", follow=True)
    assert "Emergency access." in response.content.decode()
    grant = EmergencyAccess.objects.get()
    assert (grant.search, grant.person, grant.reason, grant.justification) == (
        search,
        person,
        "risk_to_others",
        WHY,
    )


def test_a_declaration_opens_one_record_only(client, other_practitioner, person, practitioner):
    second = PersonFactory(practitioner=practitioner, preferred_name="Deborah")
    client.force_login(other_practitioner)
    url = _declare_on_the_page(client, name="de")["Location"]
    client.post(f"{url}people/{person.pk}/")
    assert client.get(url).status_code == 404  # used: its matches are no longer shown
    assert client.post(f"{url}people/{second.pk}/").status_code == 404
    assert EmergencyAccess.objects.get().person == person


def test_someone_who_is_not_a_match_cannot_be_picked(client, other_practitioner, person, others_person):
    client.force_login(other_practitioner)
    url = _declare_on_the_page(client, name="Dee")["Location"]
    assert client.post(f"{url}people/{others_person.pk}/").status_code == 404
    assert not EmergencyAccess.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=others_person.pk).exists()


def test_a_declaration_is_its_declarers_own(client, other_practitioner, practitioner, person):
    client.force_login(other_practitioner)
    url = _declare_on_the_page(client)["Location"]
    client.force_login(practitioner)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}people/{person.pk}/").status_code == 404


def test_a_declaration_must_be_used_within_fifteen_minutes(client, other_practitioner, person):
    client.force_login(other_practitioner)
    url = _declare_on_the_page(client)["Location"]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15, seconds=1)):
        client.force_login(other_practitioner)  # the idle limit (also 15 minutes) has signed them out
        assert client.get(url).status_code == 404
        assert client.post(f"{url}people/{person.pk}/").status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_the_service_refuses_a_second_record_or_a_late_pick(other_practitioner, person, others_person):
    search = emergency.declare_emergency_search(
        user=other_practitioner, name_sought="Dee", reason="risk_to_person", justification=WHY
    )
    emergency.open_emergency_access(search=search, person=person)
    with pytest.raises(emergency.EmergencyError) as used:
        emergency.open_emergency_access(search=search, person=others_person)
    assert used.value.code == "already_used"
    late = emergency.declare_emergency_search(
        user=other_practitioner, name_sought="Dee", reason="risk_to_person", justification=WHY
    )
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=16)),
        pytest.raises(emergency.EmergencyError) as expired,
    ):
        emergency.open_emergency_access(search=late, person=person)
    assert expired.value.code == "declaration_expired"


def test_a_short_justification_on_the_page_stores_nothing(client, other_practitioner, person):
    client.force_login(other_practitioner)
    response = _declare_on_the_page(client, justification="now")
    assert response.status_code == 200
    assert not EmergencySearch.objects.exists() and not EmergencyAccess.objects.exists()


def test_outsiders_cannot_declare_or_pick(client, outsider, other_practitioner, person):
    search = emergency.declare_emergency_search(
        user=other_practitioner, name_sought="Dee", reason="risk_to_person", justification=WHY
    )
    client.force_login(outsider)
    assert _declare_on_the_page(client).status_code == 403
    assert client.get(f"/emergency/{search.pk}/").status_code == 404
    assert client.post(f"/emergency/{search.pk}/people/{person.pk}/").status_code == 404


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
    data = {
        "purpose": purpose.pk,
        "recipient": SOMEONE_ELSE,
        "someone_else": "Crisis team",
        "content_kinds": ["contact_details"],
    }
    refused = client.post(f"/people/{person.pk}/share/", data)
    assert refused.status_code == 200 and not Disclosure.objects.exists()
    assert "share only under the risk-of-harm exception" in refused.content.decode()
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
    assert (disclosure.legal_basis, disclosure.recipient) == ("risk_of_harm", "Crisis team")


@pytest.mark.parametrize("matches", [1, 4])
def test_the_matches_page_query_count(
    client, other_practitioner, practitioner, matches, django_assert_num_queries
):
    for number in range(matches):
        PersonFactory(practitioner=practitioner, preferred_name=f"Robin {number}")
    client.force_login(other_practitioner)
    url = _declare_on_the_page(client, name="robin")["Location"]
    # session, user, the declaration, the matches, unread notifications; then one audit row naming everyone shown
    # (advisory lock, last hash, insert): the same however many match
    with django_assert_num_queries(8):
        client.get(url)
