"""A one-time link is the only way a member of staff gets a password: it works once, for 24 hours, the newest only."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from chime.accounts import set_up, staff
from chime.models import AuditEvent, SetUpLink
from tests.chime.conftest import NEW_PASSWORD
from tests.factories import TEST_PASSWORD


def _choose(client, password: str = NEW_PASSWORD):
    return client.post("/account/set-up/", {"new_password1": password, "new_password2": password})


def test_opening_the_link_takes_the_key_out_of_the_address_and_asks_for_a_password(client, practitioner):
    key = set_up.issue_link(account=practitioner, by=None, purpose="new_account")
    response = client.get(f"/account/set-up/?key={key}")
    assert response["Location"] == "/account/set-up/"
    page = client.get("/account/set-up/")
    assert page.status_code == 200 and b"Choose your password" in page.content
    assert key.encode() not in page.content


def test_the_chosen_password_works_and_the_link_is_used_up(client, practitioner):
    key = set_up.issue_link(account=practitioner, by=None, purpose="password_reset")
    client.get(f"/account/set-up/?key={key}")
    assert _choose(client)["Location"] == "/account/two-factor/"
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)
    link = SetUpLink.objects.get()
    assert link.used_at is not None
    event = (
        AuditEvent.objects.filter(object_type="account", actor=practitioner).exclude(action="login").last()
    )
    assert event.reason == f"password chosen with one-time link #{link.pk}"
    assert NEW_PASSWORD not in event.reason and key not in event.reason
    client.post("/logout/")
    assert client.get(f"/account/set-up/?key={key}").status_code == 404


def test_django_password_rules_apply(client, practitioner):
    key = set_up.issue_link(account=practitioner, by=None, purpose="new_account")
    client.get(f"/account/set-up/?key={key}")
    response = _choose(client, "12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert SetUpLink.objects.get().used_at is None


def test_a_link_expires_after_24_hours(client, practitioner):
    key = set_up.issue_link(account=practitioner, by=None, purpose="new_account")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, seconds=1)):
        response = client.get(f"/account/set-up/?key={key}")
    assert response.status_code == 404
    assert b"This link cannot be used" in response.content


def test_a_new_link_replaces_the_old_one(client, practitioner):
    old = set_up.issue_link(account=practitioner, by=None, purpose="new_account")
    new = set_up.issue_link(account=practitioner, by=None, purpose="password_reset")
    assert client.get(f"/account/set-up/?key={old}").status_code == 404
    assert client.get(f"/account/set-up/?key={new}")["Location"] == "/account/set-up/"


def test_a_made_up_key_is_refused(client, db):
    assert client.get("/account/set-up/?key=not-a-real-key").status_code == 404


def test_opening_a_link_signs_out_whoever_was_signed_in(client, admin_user, practitioner):
    client.force_login(admin_user)
    key = set_up.issue_link(account=practitioner, by=admin_user, purpose="new_account")
    client.get(f"/account/set-up/?key={key}")
    _choose(client)
    assert int(client.session["_auth_user_id"]) == practitioner.pk


def test_a_deactivated_accounts_link_does_not_work(client, admin_user, practitioner):
    key = set_up.issue_link(account=practitioner, by=admin_user, purpose="new_account")
    staff.deactivate_staff_account(by=admin_user, account=practitioner)
    assert client.get(f"/account/set-up/?key={key}").status_code == 404


def test_after_a_reset_the_old_password_no_longer_logs_in(client, admin_user, practitioner):
    staff.start_password_reset(by=admin_user, account=practitioner)
    response = client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
