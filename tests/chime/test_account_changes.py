"""Deactivating an account, or changing a role or a caseload, takes effect on the very next request."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime.accounts import services
from chime.audit import Reason
from chime.models import AuditEvent
from sessions import services as session_services
from tests.factories import PractitionerFactory


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _live_sessions_of(user) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all())


def test_a_deactivated_account_is_logged_out_on_its_next_request(practitioner, person):
    client = _signed_in(practitioner)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert client.get(f"/people/{person.pk}/")["Location"].startswith("/login/")


def test_deactivating_on_the_staff_page_ends_every_session_of_that_account_at_once(
    practitioner, supervisor, admin_user
):
    laptop, phone, colleague = _signed_in(practitioner), _signed_in(practitioner), _signed_in(supervisor)
    admin = _signed_in(admin_user)
    response = admin.post(f"/staff/{practitioner.pk}/", _staff_form(practitioner, is_active=""))
    assert response["Location"] == f"/staff/{practitioner.pk}/"
    assert _live_sessions_of(practitioner) == 0
    assert laptop.get("/").status_code == phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    event = AuditEvent.objects.filter(
        action="update", object_type="account", object_id=str(practitioner.pk)
    ).last()
    assert (event.actor, event.reason) == (
        admin_user,
        "signed out everywhere (2 sessions): account deactivated",
    )


def _staff_form(user, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "email": user.email,
        "is_practitioner": "on" if user.is_practitioner else "",
        "is_supervisor": "on" if user.is_supervisor else "",
        "is_org_admin": "on" if user.is_org_admin else "",
        "supervisor": user.supervisor_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_saving_an_account_without_deactivating_it_keeps_its_sessions(practitioner, admin_user):
    _signed_in(practitioner)
    admin = _signed_in(admin_user)
    admin.post(f"/staff/{practitioner.pk}/", _staff_form(practitioner, display_name="Sammy"))
    assert _live_sessions_of(practitioner) == 1


def test_removing_the_practitioner_role_closes_their_caseload_on_the_next_request(practitioner, person):
    client = _signed_in(practitioner)
    practitioner.is_practitioner = False
    practitioner.save(update_fields=["is_practitioner"])
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/people/{person.pk}/sessions/new/").status_code == 404


def test_removing_the_supervisor_role_closes_the_team_view_on_the_next_request(
    supervisor, practitioner, person
):
    client = _signed_in(supervisor)
    assert client.get(f"/team/{practitioner.pk}/").status_code == 200
    supervisor.is_supervisor = False
    supervisor.save(update_fields=["is_supervisor"])
    assert client.get(f"/team/{practitioner.pk}/").status_code == 404
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_moving_a_person_to_another_caseload_takes_effect_on_the_next_request(
    practitioner, supervisor, person
):
    colleague = PractitionerFactory(supervisor=supervisor)
    before, after = _signed_in(practitioner), _signed_in(colleague)
    assert after.get(f"/people/{person.pk}/").status_code == 404
    session_services.move_person(person=person, to_practitioner=colleague, moved_by=supervisor, reason="Rota")
    assert before.get(f"/people/{person.pk}/").status_code == 404
    assert after.get(f"/people/{person.pk}/").status_code == 200


def test_granting_the_admin_role_opens_the_staff_pages_on_the_next_request(outsider):
    client = _signed_in(outsider)
    assert client.get("/staff/").status_code == 404
    outsider.is_org_admin = True
    outsider.save(update_fields=["is_org_admin"])
    assert client.get("/staff/").status_code == 200


def test_resetting_two_factor_removes_the_devices_and_signs_the_person_out(practitioner, admin_user):
    TOTPDevice.objects.create(user=practitioner, name="Authenticator app", confirmed=True)
    client = _signed_in(practitioner)
    admin = _signed_in(admin_user)
    response = admin.post(f"/staff/{practitioner.pk}/reset-two-factor/")
    assert response["Location"] == f"/staff/{practitioner.pk}/"
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert client.get("/").status_code == 302


def test_signing_out_everywhere_leaves_other_peoples_sessions(practitioner, supervisor):
    _signed_in(practitioner)
    _signed_in(supervisor)
    assert services.sign_out_everywhere(account=practitioner, by=None, reason=Reason("test")) == 1
    assert _live_sessions_of(supervisor) == 1
