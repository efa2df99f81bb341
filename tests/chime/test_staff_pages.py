"""Chime's staff pages for admins: every change through the staff service, requests approved by a second admin."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from chime.accounts import staff
from chime.models import AuditEvent, StaffChange, User
from tests.factories import AdminFactory, PractitionerFactory, UserFactory


def _long_standing_admin(username: str) -> User:
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        return AdminFactory(username=username)


def test_the_staff_list_shows_each_account_with_its_roles_in_a_fixed_number_of_queries(
    client, admin_user, practitioner, django_assert_num_queries
):
    PractitionerFactory.create_batch(5)
    client.force_login(admin_user)
    # session, user, unread notifications, the accounts with their supervisors, the count of waiting requests
    with django_assert_num_queries(5):
        response = client.get("/staff/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/staff/{practitioner.pk}/"' in page and "practitioner</td>" in page
    assert len(response.context["accounts"]) == User.objects.count() == 13


def test_the_queue_of_requests_takes_a_fixed_number_of_queries(client, admin_user, django_assert_num_queries):
    for _ in range(4):
        supervisor = UserFactory(is_supervisor=True)
        staff.change_staff_account(by=admin_user, account=UserFactory(), is_org_admin=True)
        staff.change_staff_account(
            by=admin_user, account=UserFactory(), is_practitioner=True, supervisor=supervisor.pk
        )
    client.force_login(admin_user)
    # session, user, unread notifications, the waiting requests with account and asker, the supervisors' usernames
    with django_assert_num_queries(5):
        response = client.get("/staff/requests/")
    assert len(response.context["rows"]) == 8
    assert "supervisor: none →" in response.content.decode()


def test_an_admin_adds_a_member_of_staff_who_gets_a_set_up_link(
    client, admin_user, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    form = {
        "username": "newbie",
        "first_name": "Nia",
        "last_name": "Evans",
        "email": "nia@example.org",
        "is_practitioner": "on",
        "supervisor": supervisor.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/new/", form, follow=True)
    account = User.objects.get(username="newbie")
    assert response.redirect_chain[-1][0] == f"/staff/{account.pk}/"
    page = response.content.decode()
    assert "A one-time set-up link was emailed to them." in page
    assert "wait for a second admin to approve them" in page
    assert not account.has_usable_password() and not account.is_practitioner
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        (["nia@example.org"], "Chime: set up your account"),
        (["nia@example.org"], "Chime: A change to your Chime account is waiting for a second admin"),
    ]


def test_asking_for_a_role_on_the_account_page_says_it_waits(client, admin_user, outsider):
    client.force_login(admin_user)
    form = {"email": outsider.email, "first_name": outsider.first_name, "last_name": outsider.last_name}
    response = client.post(
        f"/staff/{outsider.pk}/", {**form, "is_active": "on", "is_org_admin": "on"}, follow=True
    )
    assert "Waiting for a second admin to approve: admin: given." in response.content.decode()
    assert StaffChange.objects.get(account=outsider).status == "awaiting"


def test_an_admin_cannot_change_their_own_roles_on_the_page(client, admin_user):
    client.force_login(admin_user)
    form = {"email": admin_user.email, "is_active": "on", "is_org_admin": "on", "is_supervisor": "on"}
    response = client.post(f"/staff/{admin_user.pk}/", form)
    assert response.status_code == 200
    assert "You cannot change your own roles" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", actor=admin_user).count() == 1


def test_a_second_admin_approves_from_the_queue_and_the_requester_cannot(client, admin_user, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    client.force_login(admin_user)
    refused = client.post(f"/staff/requests/{change.pk}/", {"decision": "approve"}, follow=True)
    assert "Someone other than the person who asked must approve this." in refused.content.decode()
    client.force_login(_long_standing_admin("colleague"))
    approved = client.post(f"/staff/requests/{change.pk}/", {"decision": "approve"}, follow=True)
    assert f"Request #{change.pk}: approved." in approved.content.decode()
    assert User.objects.get(pk=outsider.pk).is_supervisor


def test_a_request_can_be_refused_from_the_queue(client, admin_user, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    client.force_login(_long_standing_admin("colleague"))
    client.post(f"/staff/requests/{change.pk}/", {"decision": "refuse"})
    assert StaffChange.objects.get(pk=change.pk).status == "refused"


def test_the_account_page_shows_its_history(client, admin_user, outsider):
    staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    client.force_login(admin_user)
    page = client.get(f"/staff/{outsider.pk}/").content.decode()
    assert "Change: supervisor: given" in page and "Awaiting approval" in page
