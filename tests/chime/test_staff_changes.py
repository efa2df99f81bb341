"""Every change to a staff account goes through one audited service; what opens records waits for a second admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime.accounts import staff
from chime.models import AuditEvent, Notification, SetUpLink, StaffChange, User
from tests.factories import TEST_PASSWORD, AdminFactory, SupervisorFactory


@pytest.fixture
def second_admin(db):
    return AdminFactory(username="second-admin")


def _account_events(account: User):
    return AuditEvent.objects.filter(object_type="account", object_id=str(account.pk)).order_by("pk")


def _live_sessions_of(user) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all())


# ---- What takes effect at once, what waits ---------------------------------------------------------------------


def test_giving_the_supervisor_role_is_a_request_that_changes_nothing_yet(admin_user, other_practitioner):
    [change] = staff.change_staff_account(by=admin_user, account=other_practitioner, is_supervisor=True)
    other_practitioner.refresh_from_db()
    assert not other_practitioner.is_supervisor
    assert (change.status, change.changes, change.requested_by) == (
        "awaiting",
        {"is_supervisor": [False, True]},
        admin_user,
    )
    event = _account_events(other_practitioner).last()
    assert (event.actor, event.action) == (admin_user, "update")
    assert event.reason == f"requested #{change.pk}, awaiting a second admin: supervisor: given"


@pytest.mark.parametrize(
    "role", ["is_supervisor", "is_safeguarding_lead", "is_org_admin", "is_data_protection_lead"]
)
def test_every_role_that_opens_records_waits_for_a_second_admin(admin_user, outsider, role):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, **{role: True})
    assert change.status == "awaiting"
    assert getattr(User.objects.get(pk=outsider.pk), role) is False


def test_a_second_admin_approves_and_the_role_takes_effect_with_both_on_the_trail(
    admin_user, second_admin, outsider
):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_safeguarding_lead=True)
    staff.approve_staff_change(change=change, by=second_admin)
    outsider.refresh_from_db()
    change.refresh_from_db()
    assert outsider.is_safeguarding_lead
    assert (change.status, change.decided_by) == ("approved", second_admin)
    assert change.took_effect_at == change.decided_at
    events = list(_account_events(outsider).values_list("actor__username", "reason"))
    assert events[-1] == ("second-admin", f"approved #{change.pk} (asked by admin): safeguarding lead: given")
    assert events[0] == (
        "admin",
        f"requested #{change.pk}, awaiting a second admin: safeguarding lead: given",
    )


def test_the_person_affected_is_told_when_asked_and_when_approved(admin_user, second_admin, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    staff.approve_staff_change(change=change, by=second_admin)
    titles = list(
        Notification.objects.filter(recipient=outsider).order_by("pk").values_list("title", flat=True)
    )
    assert titles == [
        "A change to your Chime account is waiting for a second admin",
        "A change to your Chime account was approved",
    ]
    assert Notification.objects.filter(
        recipient=second_admin, title="A staff account change is waiting for your approval"
    ).exists()


def test_removing_a_role_takes_effect_at_once_and_is_audited(admin_user, supervisor):
    [change] = staff.change_staff_account(by=admin_user, account=supervisor, is_supervisor=False)
    supervisor.refresh_from_db()
    assert not supervisor.is_supervisor
    assert (change.status, change.changes) == ("applied", {"is_supervisor": [True, False]})
    assert _account_events(supervisor).last().reason == "changed: supervisor: removed"


def test_a_new_supervisor_for_a_practitioner_waits_for_approval(admin_user, second_admin, practitioner):
    new_supervisor = SupervisorFactory(username="kim")
    old = practitioner.supervisor
    [change] = staff.change_staff_account(by=admin_user, account=practitioner, supervisor=new_supervisor.pk)
    practitioner.refresh_from_db()
    assert practitioner.supervisor == old
    assert change.changes == {"supervisor": [old.pk, new_supervisor.pk]}
    assert _account_events(practitioner).last().reason.endswith(f"supervisor: {old.username} → kim")
    staff.approve_staff_change(change=change, by=second_admin)
    practitioner.refresh_from_db()
    assert practitioner.supervisor == new_supervisor


def test_a_change_of_name_applies_at_once_and_keeps_no_values_in_the_history(admin_user, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, first_name="Ola", last_name="Ade")
    outsider.refresh_from_db()
    assert (outsider.first_name, outsider.last_name) == ("Ola", "Ade")
    assert change.changes == {"first_name": [None, None], "last_name": [None, None]}
    reason = _account_events(outsider).last().reason
    assert reason == "changed: first name: changed; last name: changed"


def test_a_new_email_address_waits_for_a_second_admin_because_reset_links_go_there(
    admin_user, second_admin, outsider
):
    old = outsider.email
    [change] = staff.change_staff_account(by=admin_user, account=outsider, email="mine@example.org")
    assert User.objects.get(pk=outsider.pk).email == old
    assert (change.status, change.changes) == ("awaiting", {"email": [old, "mine@example.org"]})
    assert "mine@example.org" not in _account_events(outsider).last().reason
    staff.approve_staff_change(change=change, by=second_admin)
    assert User.objects.get(pk=outsider.pk).email == "mine@example.org"


def test_one_form_can_remove_a_role_now_and_ask_for_another(admin_user, supervisor):
    applied, requested = staff.change_staff_account(
        by=admin_user, account=supervisor, is_supervisor=False, is_org_admin=True
    )
    assert (applied.status, applied.changes) == ("applied", {"is_supervisor": [True, False]})
    assert (requested.status, requested.changes) == ("awaiting", {"is_org_admin": [False, True]})


def test_deactivating_ends_every_session_of_the_account_at_once(admin_user, practitioner, supervisor):
    laptop, phone, colleague = Client(), Client(), Client()
    laptop.force_login(practitioner)
    phone.force_login(practitioner)
    colleague.force_login(supervisor)
    change = staff.deactivate_staff_account(by=admin_user, account=practitioner)
    assert (change.status, change.changes) == ("applied", {"is_active": [True, False]})
    assert _live_sessions_of(practitioner) == 0
    assert laptop.get("/").status_code == phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    reasons = list(_account_events(practitioner).values_list("reason", flat=True))
    assert reasons[-2:] == [
        "changed: account: deactivated",
        "signed out everywhere (2 sessions): account deactivated",
    ]


def test_re_activating_an_account_waits_for_a_second_admin(admin_user, outsider):
    staff.deactivate_staff_account(by=admin_user, account=outsider)
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_active=True)
    assert change.status == "awaiting" and not User.objects.get(pk=outsider.pk).is_active


# ---- Refusals ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change", [{"is_supervisor": True}, {"is_org_admin": False}, {"supervisor": "jo"}, {"is_active": False}]
)
def test_nobody_changes_their_own_roles_supervisor_or_activity_and_the_attempt_is_audited(
    admin_user, supervisor, change
):
    change = {field: (supervisor.pk if value == "jo" else value) for field, value in change.items()}
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(by=admin_user, account=admin_user, **change)
    assert error.value.code == "own_account"
    assert "your own roles" in str(error.value)
    event = AuditEvent.objects.get(action="denied")
    assert (event.actor, event.outcome, event.object_type) == (admin_user, "denied", "account")
    assert event.reason.startswith("staff change refused (own_account):")
    assert not StaffChange.objects.exists()


def test_an_admin_may_change_their_own_name(admin_user):
    [change] = staff.change_staff_account(by=admin_user, account=admin_user, display_name="Al")
    assert change.status == "applied"


def test_only_admins_change_staff_accounts(supervisor, outsider):
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(by=supervisor, account=outsider, is_practitioner=False)
    assert error.value.code == "not_admin"


def test_a_practitioner_needs_a_supervisor(admin_user, outsider):
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(by=admin_user, account=outsider, is_practitioner=True)
    assert error.value.code == "needs_supervisor"


def test_the_practitioner_role_with_its_first_supervisor_waits_together(
    admin_user, second_admin, outsider, supervisor
):
    [change] = staff.change_staff_account(
        by=admin_user, account=outsider, is_practitioner=True, supervisor=supervisor.pk
    )
    assert change.changes == {"is_practitioner": [False, True], "supervisor": [None, supervisor.pk]}
    staff.approve_staff_change(change=change, by=second_admin)
    outsider.refresh_from_db()
    assert outsider.is_practitioner and outsider.supervisor == supervisor


def test_the_supervisor_must_have_the_supervisor_role(admin_user, practitioner, outsider):
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(by=admin_user, account=practitioner, supervisor=outsider.pk)
    assert error.value.code == "not_a_supervisor"


def test_someone_cannot_supervise_themselves(admin_user, supervisor):
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(
            by=admin_user, account=supervisor, is_practitioner=True, supervisor=supervisor.pk
        )
    assert error.value.code == "supervises_self"


def test_the_same_thing_cannot_be_asked_for_twice_while_waiting(admin_user, outsider):
    staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    with pytest.raises(staff.StaffError) as error:
        staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True, is_supervisor=True)
    assert error.value.code == "already_requested"


def test_nobody_approves_their_own_request_and_the_attempt_is_audited(admin_user, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=admin_user)
    assert error.value.code == "same_person"
    event = AuditEvent.objects.get(action="denied")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "chime.StaffChange",
        str(change.pk),
    )
    assert event.reason == "second-person rule (same_person): requested by admin"
    assert StaffChange.objects.get(pk=change.pk).status == "awaiting"


def test_nobody_approves_a_change_that_gives_them_access(admin_user, second_admin, practitioner):
    second_admin_supervises = AdminFactory(username="third", is_supervisor=True)
    [change] = staff.change_staff_account(
        by=admin_user, account=practitioner, supervisor=second_admin_supervises.pk
    )
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=second_admin_supervises)
    assert error.value.code == "gains_access"
    [own] = staff.change_staff_account(by=admin_user, account=second_admin, is_supervisor=True)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=own, by=second_admin)
    assert error.value.code == "gains_access"


def test_a_decided_request_cannot_be_decided_again(admin_user, second_admin, outsider):
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    staff.refuse_staff_change(change=change, by=second_admin)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=second_admin)
    assert error.value.code == "already_decided"
    assert not User.objects.get(pk=outsider.pk).is_org_admin


def test_a_refused_request_changes_nothing_and_the_asker_can_withdraw_their_own(
    admin_user, second_admin, outsider
):
    [first] = staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    assert staff.refuse_staff_change(change=first, by=second_admin).status == "refused"
    [second] = staff.change_staff_account(by=admin_user, account=outsider, is_org_admin=True)
    assert staff.refuse_staff_change(change=second, by=admin_user).status == "withdrawn"
    assert not User.objects.get(pk=outsider.pk).is_org_admin
    reasons = list(_account_events(outsider).values_list("reason", flat=True))
    assert (
        f"refused #{first.pk}: admin: given" in reasons and f"withdrew #{second.pk}: admin: given" in reasons
    )


def test_a_request_overtaken_by_another_change_cannot_be_approved(admin_user, second_admin, practitioner):
    kim = SupervisorFactory(username="kim")
    [change] = staff.change_staff_account(by=admin_user, account=practitioner, supervisor=kim.pk)
    staff.change_staff_account(by=admin_user, account=practitioner, is_practitioner=False, supervisor=None)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=second_admin)
    assert error.value.code == "out_of_date"


# ---- Creating accounts ------------------------------------------------------------------------------------------


def test_a_new_account_has_no_usable_password_and_gets_a_set_up_link_by_email(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account = staff.create_staff_account(
            by=admin_user, username="newbie", email="newbie@example.org", first_name="Nia"
        )
    assert not account.has_usable_password()
    link = SetUpLink.objects.get(account=account)
    assert (link.purpose, link.created_by, link.expires_at - link.created_at) == (
        "new_account",
        admin_user,
        dt.timedelta(hours=24),
    )
    [mail] = mailoutbox
    assert mail.to == ["newbie@example.org"] and "/account/set-up/?key=" in mail.body
    created = StaffChange.objects.get(account=account)
    assert (created.kind, created.status, created.changes) == (
        "create",
        "applied",
        {"username": [None, "newbie"]},
    )
    assert _account_events(account).first().reason == "account created (username: newbie)"


def test_creating_an_admin_is_a_request_for_a_second_admin(admin_user, second_admin):
    account = staff.create_staff_account(
        by=admin_user, username="boss", email="boss@example.org", roles=["is_org_admin"]
    )
    assert not account.is_org_admin
    waiting = StaffChange.objects.get(account=account, status="awaiting")
    assert waiting.changes == {"is_org_admin": [False, True]}
    staff.approve_staff_change(change=waiting, by=second_admin)
    assert User.objects.get(pk=account.pk).is_org_admin


def test_a_new_practitioners_first_supervisor_is_a_request(admin_user, supervisor):
    account = staff.create_staff_account(
        by=admin_user, username="np", email="np@example.org", roles=["is_practitioner"], supervisor=supervisor
    )
    assert (account.is_practitioner, account.supervisor_id) == (False, None)
    waiting = StaffChange.objects.get(account=account, status="awaiting")
    assert waiting.changes == {"is_practitioner": [False, True], "supervisor": [None, supervisor.pk]}


def test_a_username_in_use_or_no_email_is_refused(admin_user, outsider):
    with pytest.raises(staff.StaffError) as taken:
        staff.create_staff_account(by=admin_user, username="OUTSIDER", email="x@example.org")
    with pytest.raises(staff.StaffError) as no_email:
        staff.create_staff_account(by=admin_user, username="fresh", email="")
    assert (taken.value.code, no_email.value.code) == ("username_taken", "no_email")


# ---- Passwords and two-factor -------------------------------------------------------------------------------------


def test_a_password_reset_stops_the_old_password_removes_devices_and_sends_a_link(
    admin_user, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=practitioner, name="Authenticator app", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        change = staff.start_password_reset(by=admin_user, account=practitioner)
    practitioner.refresh_from_db()
    assert not practitioner.has_usable_password()
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert (change.kind, change.status) == ("password_reset", "applied")
    assert SetUpLink.objects.get(account=practitioner).purpose == "password_reset"
    assert len(mailoutbox) == 1
    reasons = " | ".join(_account_events(practitioner).values_list("reason", flat=True))
    assert "password reset started; set-up link sent" in reasons
    assert TEST_PASSWORD not in reasons and "key=" not in reasons


def test_a_two_factor_reset_sends_a_link_and_keeps_the_password(admin_user, practitioner, mailoutbox):
    TOTPDevice.objects.create(user=practitioner, name="Authenticator app", confirmed=True)
    staff.reset_two_factor(by=admin_user, account=practitioner)
    practitioner.refresh_from_db()
    assert practitioner.check_password(TEST_PASSWORD)
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert SetUpLink.objects.get(account=practitioner).purpose == "two_factor_reset"


def test_lifting_a_sign_in_pause_is_recorded(admin_user, practitioner):
    assert staff.lift_sign_in_pause(by=admin_user, account=practitioner) == 0
    assert StaffChange.objects.get(account=practitioner).kind == "sign_in_pause_lifted"
    assert _account_events(practitioner).last().reason.startswith("sign-in pause lifted")


# ---- Two accounts of one person -------------------------------------------------------------------------------------


def _admin_made_by(requester: User, approver: User, username: str) -> User:
    account = staff.create_staff_account(
        by=requester, username=username, email=f"{username}@example.org", roles=["is_org_admin"]
    )
    staff.approve_staff_change(
        change=StaffChange.objects.get(account=account, status="awaiting"), by=approver
    )
    return User.objects.get(pk=account.pk)


def _long_standing_admin(username: str) -> User:
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        return AdminFactory(username=username)


def test_an_admin_made_by_the_requester_cannot_approve_their_requests(admin_user, outsider):
    approver = _long_standing_admin("long-standing")
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        puppet = _admin_made_by(admin_user, approver, "puppet")
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=puppet)
    assert error.value.code == "set_up_by_requester"
    assert AuditEvent.objects.filter(action="denied", actor=puppet).get().reason == (
        "second-person rule (set_up_by_requester): requested by admin"
    )


def test_an_admin_whose_roles_the_requester_approved_cannot_approve_their_requests(admin_user, outsider):
    admin_user.date_joined = timezone.now() - dt.timedelta(days=30)
    admin_user.save(update_fields=["date_joined"])
    other = _long_standing_admin("long-standing")
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        helper = _admin_made_by(other, admin_user, "helper")  # the other admin asked, admin approved
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=helper)
    assert error.value.code == "set_up_by_requester"


def test_an_admin_appointed_after_the_request_cannot_approve_it(admin_user, second_admin, outsider):
    third = AdminFactory(username="third")
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    later = _admin_made_by(second_admin, third, "later")
    with pytest.raises(staff.StaffError) as error:
        staff.approve_staff_change(change=change, by=later)
    assert error.value.code == "role_too_new"


def test_an_admin_with_no_recorded_history_counts_as_admin_since_they_joined(admin_user, outsider):
    veteran = _long_standing_admin("veteran")
    [change] = staff.change_staff_account(by=admin_user, account=outsider, is_supervisor=True)
    staff.approve_staff_change(change=change, by=veteran)
    assert User.objects.get(pk=outsider.pk).is_supervisor


def test_check_second_person_names_each_rule_by_its_code(admin_user, second_admin, outsider):
    now = timezone.now()
    cases = [
        (admin_user, admin_user, "same_person"),
        (outsider, admin_user, "no_role"),
    ]
    for approver, requester, code in cases:
        with pytest.raises(staff.StaffError) as error:
            staff.check_second_person(approver=approver, requester=requester, requested_at=now)
        assert error.value.code == code
    staff.check_second_person(
        approver=second_admin, requester=admin_user, requested_at=now + dt.timedelta(seconds=1)
    )


def test_the_demo_accounts_are_noted_as_made_by_the_demo_builder_and_its_two_admins_approve_each_other(db):
    from sessions import demo

    users = demo.ensure_demo_accounts()
    made = StaffChange.objects.get(account=users["morgan"])
    assert (made.kind, made.requested_by, made.note) == ("create", None, "made by the demo builder")
    assert made.changes == {"username": [None, "morgan"], "is_org_admin": [False, True]}
    assert users["rowan"].is_data_protection_lead
    [change] = staff.change_staff_account(by=users["alex"], account=users["priya"], is_safeguarding_lead=True)
    staff.approve_staff_change(change=change, by=users["morgan"])
    assert User.objects.get(username="priya").is_safeguarding_lead
