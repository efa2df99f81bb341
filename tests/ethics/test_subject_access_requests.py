"""Subject access requests: recorded by an admin, handled by the data protection lead, the pack a snapshot."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from chime.models import AuditEvent, Notification
from ethics.models import SubjectAccessPack, SubjectAccessReopening, SubjectAccessRequest
from ethics.models.rights import one_calendar_month_after
from ethics.services import subject_access as services
from sessions.models import Person
from tests.factories import PersonFactory, SupportSessionFactory

NOW = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)
Requester = SubjectAccessRequest.Requester


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _request(person, admin_user, **details) -> SubjectAccessRequest:
    return services.record_subject_access_request(
        person=person, recorded_by=admin_user, identity_check="photo_id", **details
    )


def _form(**changes) -> dict[str, str]:
    return {"received_on": "2026-11-20", "requester": "person", "identity_check": "photo_id", **changes}


# ---- Recording a request -------------------------------------------------------------------------------------------


def test_an_admin_records_who_asked_how_identity_was_checked_and_when_and_the_lead_is_told(
    client, admin_user, data_protection_lead, person
):
    client.force_login(admin_user)
    data = _form(
        requester="representative",
        representative_name="Lorna Hill",
        representative_relationship="sister",
        identity_check="written_authority",
        identity_note="Signed letter from Dee; Lorna's passport.",
    )
    response = client.post(f"/rights/people/{person.pk}/access/", data)
    assert response["Location"] == f"/rights/people/{person.pk}/"
    sar = SubjectAccessRequest.objects.get()
    assert (sar.requester, sar.representative_name, sar.representative_relationship) == (
        "representative",
        "Lorna Hill",
        "sister",
    )
    assert (sar.identity_check, sar.identity_note) == (
        "written_authority",
        "Signed letter from Dee; Lorna's passport.",
    )
    assert (sar.received_on, sar.due_on, sar.state) == (
        dt.date(2026, 11, 20),
        dt.date(2026, 12, 20),
        "received",
    )
    note = Notification.objects.get(recipient=data_protection_lead)
    assert (note.title, note.url) == ("A subject access request has arrived", f"/rights/access/{sar.pk}/")
    assert "Dee" not in note.body and "Lorna" not in note.body
    event = AuditEvent.objects.get(action="create", object_type="ethics.SubjectAccessRequest")
    assert (event.actor, event.person_id, event.reason) == (admin_user, person.pk, "")


def test_someone_acting_for_the_person_must_be_named_with_their_relationship(client, admin_user, person):
    client.force_login(admin_user)
    response = client.post(f"/rights/people/{person.pk}/access/", _form(requester="representative"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "representative_name": ["Needed when someone asks for the person."],
        "representative_relationship": ["Needed when someone asks for the person."],
    }
    with pytest.raises(services.SubjectAccessError) as error:
        _request(person, admin_user, requester=Requester.REPRESENTATIVE, representative_name="Lorna")
    assert error.value.code == "representative"
    assert not SubjectAccessRequest.objects.exists()


def test_the_database_refuses_a_representative_without_a_name(admin_user, person):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectAccessRequest.objects.create(
            person=person,
            recorded_by=admin_user,
            due_on=dt.date(2027, 1, 1),
            requester="representative",
            identity_check="photo_id",
        )


def test_identity_check_must_be_chosen_and_a_request_cannot_arrive_in_the_future(client, admin_user, person):
    client.force_login(admin_user)
    response = client.post(
        f"/rights/people/{person.pk}/access/", _form(identity_check="", received_on="2026-12-02")
    )
    assert response.context["form"].errors == {
        "identity_check": ["This field is required."],
        "received_on": ["A request cannot arrive in the future."],
    }


def test_a_request_needs_a_known_identity_check(admin_user, person):
    with pytest.raises(services.SubjectAccessError) as error:
        services.record_subject_access_request(person=person, recorded_by=admin_user, identity_check="")
    assert error.value.code == "no_identity_check"


def test_only_an_admin_records_a_request(data_protection_lead, person):
    with pytest.raises(services.SubjectAccessError) as error:
        _request(person, data_protection_lead)
    assert error.value.code == "not_admin"


# ---- Gathered once, as a snapshot ---------------------------------------------------------------------------------


def test_the_pack_is_gathered_once_and_its_pages_show_the_snapshot_not_live_data(
    client, admin_user, data_protection_lead, practitioner, person
):
    SupportSessionFactory(person=person, areas=["meaning"])
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/")  # a look that must appear in the pack's access log
    sar = _request(person, admin_user)
    client.force_login(data_protection_lead)
    response = client.post(f"/rights/access/{sar.pk}/gather/")
    assert response["Location"] == f"/rights/access/{sar.pk}/"
    pack = SubjectAccessPack.objects.get()
    Person.objects.filter(pk=person.pk).update(strengths="Changed after the pack was gathered.")

    html = client.get(f"/rights/access/packs/{pack.pk}/").content.decode()
    assert "A note about meaning." in html and "Kind and funny." in html and "practitioner" in html
    assert "Changed after the pack was gathered." not in html
    download = client.get(f"/rights/access/packs/{pack.pk}/download/")
    assert download["Content-Disposition"] == f'attachment; filename="subject-access-{sar.pk}-{pack.pk}.json"'
    assert download.content.decode() == pack.contents
    data = json.loads(pack.contents)
    assert data["due_on"] == one_calendar_month_after(timezone.localdate()).isoformat()
    assert data["sections"]["What each session covered"][0]["Note"] == "A note about meaning."

    with pytest.raises(services.SubjectAccessError) as error:
        services.gather_pack(request=sar, gathered_by=data_protection_lead)
    assert error.value.code == "wrong_state"
    assert SubjectAccessPack.objects.count() == 1


def test_gathering_reading_and_downloading_the_pack_are_each_audited(
    admin_user, data_protection_lead, person, client
):
    pack = services.gather_pack(request=_request(person, admin_user), gathered_by=data_protection_lead)
    client.force_login(data_protection_lead)
    client.get(f"/rights/access/packs/{pack.pk}/")
    client.get(f"/rights/access/packs/{pack.pk}/download/")
    rows = AuditEvent.objects.filter(actor=data_protection_lead, person_id=person.pk).order_by("pk")
    assert [(e.action, e.object_type, e.reason) for e in rows] == [
        ("export", "ethics.SubjectAccessRequest", "subject access"),  # the gathering
        ("create", "ethics.SubjectAccessPack", ""),
        ("view", "ethics.SubjectAccessPack", ""),
        ("export", "ethics.SubjectAccessPack", ""),
    ]


def test_a_snapshot_cannot_be_changed_in_the_database(admin_user, data_protection_lead, person):
    pack = services.gather_pack(request=_request(person, admin_user), gathered_by=data_protection_lead)
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        SubjectAccessPack.objects.filter(pk=pack.pk).update(contents="{}")


def test_only_the_data_protection_lead_gathers(admin_user, person):
    with pytest.raises(services.SubjectAccessError) as error:
        services.gather_pack(request=_request(person, admin_user), gathered_by=admin_user)
    assert error.value.code == "not_lead"
    assert not SubjectAccessPack.objects.exists()


# ---- Released once, closed, re-opened with a reason ---------------------------------------------------------------


def test_the_pack_is_released_once_and_then_the_request_closes(
    client, admin_user, data_protection_lead, person
):
    sar = _request(person, admin_user)
    services.gather_pack(request=sar, gathered_by=data_protection_lead)
    client.force_login(data_protection_lead)
    assert client.post(f"/rights/access/{sar.pk}/release/", {}).context["release_form"].errors == {
        "how": ["This field is required."]
    }
    client.post(f"/rights/access/{sar.pk}/release/", {"how": "post"})
    pack = SubjectAccessPack.objects.get()
    assert (pack.released_at, pack.released_by, pack.released_how) == (NOW, data_protection_lead, "post")
    with pytest.raises(services.SubjectAccessError) as error:
        services.release_pack(request=sar, released_by=data_protection_lead, how="email")
    assert error.value.code == "wrong_state"
    client.post(f"/rights/access/{sar.pk}/close/")
    sar.refresh_from_db()
    assert (sar.state, sar.closed_at, sar.closed_by) == ("closed", NOW, data_protection_lead)
    release = AuditEvent.objects.get(
        object_type="ethics.SubjectAccessPack", action="export", actor=data_protection_lead
    )
    assert release.reason == "released: By post"


def test_a_request_closes_only_after_its_pack_is_released(admin_user, data_protection_lead, person):
    sar = _request(person, admin_user)
    with pytest.raises(services.SubjectAccessError) as error:
        services.close_request(request=sar, closed_by=data_protection_lead)
    assert error.value.code == "wrong_state"


def _closed(person, admin_user, lead) -> SubjectAccessRequest:
    sar = _request(person, admin_user)
    services.gather_pack(request=sar, gathered_by=lead)
    services.release_pack(request=sar, released_by=lead, how="email")
    return services.close_request(request=sar, closed_by=lead)


def test_reopening_needs_a_reason_kept_on_the_request_not_in_the_audit_trail(
    client, admin_user, data_protection_lead, person
):
    sar = _closed(person, admin_user, data_protection_lead)
    client.force_login(data_protection_lead)
    response = client.post(f"/rights/access/{sar.pk}/reopen/", {"reason": " "})
    assert response.context["reopen_form"].errors == {"reason": ["This field is required."]}
    with pytest.raises(services.SubjectAccessError) as error:
        services.reopen_request(request=sar, reopened_by=data_protection_lead, reason="  ")
    assert error.value.code == "no_reason"

    client.post(f"/rights/access/{sar.pk}/reopen/", {"reason": "Dee says her 2025 emails are missing."})
    reopening = SubjectAccessReopening.objects.get()
    assert (reopening.request, reopening.reason, reopening.reopened_by) == (
        sar,
        "Dee says her 2025 emails are missing.",
        data_protection_lead,
    )
    event = AuditEvent.objects.get(object_type="ethics.SubjectAccessReopening")
    assert (event.object_id, event.person_id, event.reason) == (str(reopening.pk), person.pk, "re-opened")
    assert not AuditEvent.objects.filter(reason__icontains="emails").exists()
    sar.refresh_from_db()
    assert (sar.state, sar.closed_at) == ("received", None)
    assert "Dee says her 2025 emails are missing." in client.get(f"/rights/access/{sar.pk}/").content.decode()


def test_gathering_after_reopening_makes_a_new_snapshot_and_keeps_the_released_one(
    admin_user, data_protection_lead, person
):
    sar = _closed(person, admin_user, data_protection_lead)
    first = sar.packs.get()
    services.reopen_request(request=sar, reopened_by=data_protection_lead, reason="Something was missing.")
    Person.objects.filter(pk=person.pk).update(strengths="Added since.")
    second = services.gather_pack(request=sar, gathered_by=data_protection_lead)
    assert list(sar.packs.all()) == [second, first]
    assert "Added since." in second.contents and "Added since." not in first.contents
    first.refresh_from_db()
    assert first.released_how == "email"


def test_only_a_closed_request_can_be_reopened(admin_user, data_protection_lead, person):
    with pytest.raises(services.SubjectAccessError) as error:
        services.reopen_request(
            request=_request(person, admin_user), reopened_by=data_protection_lead, reason="Why"
        )
    assert error.value.code == "wrong_state"


# ---- Who may do what ---------------------------------------------------------------------------------------------


def test_an_admin_who_is_not_the_lead_cannot_read_or_gather_the_pack(
    client, admin_user, data_protection_lead, person
):
    sar = _request(person, admin_user)
    pack = services.gather_pack(request=_request(person, admin_user), gathered_by=data_protection_lead)
    client.force_login(admin_user)
    assert client.get(f"/rights/access/{sar.pk}/").status_code == 404
    assert client.post(f"/rights/access/{sar.pk}/gather/").status_code == 404
    assert client.get(f"/rights/access/packs/{pack.pk}/").status_code == 404
    assert client.get(f"/rights/access/packs/{pack.pk}/download/").status_code == 404
    sar.refresh_from_db()
    assert sar.state == "received"


def test_an_unknown_step_is_not_found(client, admin_user, data_protection_lead, person):
    sar = _request(person, admin_user)
    client.force_login(data_protection_lead)
    assert client.post(f"/rights/access/{sar.pk}/erase/").status_code == 404


def test_the_admins_rights_page_lists_requests_without_opening_them(client, admin_user, person):
    _request(person, admin_user)
    client.force_login(admin_user)
    html = client.get(f"/rights/people/{person.pk}/").content.decode()
    assert "Received 1 Dec 2026" in html and "/rights/access/" not in html.replace(
        f"/rights/people/{person.pk}/access/", ""
    )
    assert "The data protection lead handles these." in html


# ---- The lead's list ---------------------------------------------------------------------------------------------


def test_the_list_shows_overdue_requests_first_then_by_due_date(
    client, admin_user, data_protection_lead, practitioner
):
    later = _request(PersonFactory(practitioner=practitioner, preferred_name="Later"), admin_user)
    overdue = _request(
        PersonFactory(practitioner=practitioner, preferred_name="Overdue"),
        admin_user,
        received_on=dt.date(2026, 10, 1),
    )
    soon = _request(
        PersonFactory(practitioner=practitioner, preferred_name="Soon"),
        admin_user,
        received_on=dt.date(2026, 11, 5),
    )
    closed = _closed(
        PersonFactory(practitioner=practitioner, preferred_name="Done"), admin_user, data_protection_lead
    )
    client.force_login(data_protection_lead)
    response = client.get("/rights/access/")
    assert response.context["open_requests"] == [overdue, soon, later]
    assert response.context["closed_requests"] == [closed]
    assert "Overdue: 1 Nov 2026" in response.content.decode()
    assert AuditEvent.objects.filter(action="view", object_type="subject access requests").count() == 1


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_query_count_is_flat(
    client, admin_user, data_protection_lead, practitioner, count, django_assert_num_queries
):
    for _ in range(count):
        _request(PersonFactory(practitioner=practitioner), admin_user)
    client.force_login(data_protection_lead)
    # session, user, audit (lock, last hash, insert), open requests with person, closed requests with person,
    # unread notifications
    with django_assert_num_queries(8):
        response = client.get("/rights/access/")
    assert len(response.context["open_requests"]) == count


@pytest.mark.parametrize("packs", [1, 5])
def test_the_request_page_query_count_is_flat(
    client, admin_user, data_protection_lead, person, packs, django_assert_num_queries
):
    sar = _request(person, admin_user)
    for _ in range(packs):
        services.gather_pack(request=sar, gathered_by=data_protection_lead)
        services.release_pack(request=sar, released_by=data_protection_lead, how="email")
        services.close_request(request=sar, closed_by=data_protection_lead)
        services.reopen_request(request=sar, reopened_by=data_protection_lead, reason="Again.")
    client.force_login(data_protection_lead)
    # session, user, request (with person, recorder, closer), audit (3), packs with who, re-openings with who,
    # unread notifications
    with django_assert_num_queries(9):
        response = client.get(f"/rights/access/{sar.pk}/")
    assert len(response.context["packs"]) == packs


def test_the_lead_sees_subject_access_in_the_menu(client, data_protection_lead):
    client.force_login(data_protection_lead)
    assert 'href="/rights/access/"' in client.get("/").content.decode()
