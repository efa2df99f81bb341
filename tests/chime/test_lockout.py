from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from chime.accounts import services as account_services
from chime.models import AuditEvent
from tests.factories import TEST_PASSWORD


def _try(client, username: str, password: str = "wrong-password", ip: str = "198.51.100.7"):  # noqa: S107
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_pause_logging_in_for_15_minutes(client, practitioner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [_try(client, "practitioner").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
        refused = _try(client, "practitioner", TEST_PASSWORD)
        assert refused.status_code == 429
        assert b"paused for 15 minutes" in refused.content
        assert "_auth_user_id" not in client.session
        clock.shift(dt.timedelta(minutes=16))
        assert _try(client, "practitioner", TEST_PASSWORD)["Location"] == "/"


def test_the_pause_does_not_grow_with_more_attempts(client, practitioner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            _try(client, "practitioner")
        clock.shift(dt.timedelta(minutes=10))
        assert _try(client, "practitioner").status_code == 429
        clock.shift(dt.timedelta(minutes=6))
        assert _try(client, "practitioner", TEST_PASSWORD).status_code == 302


def _page_text(response) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())


def test_the_pause_reads_the_same_whether_or_not_the_username_exists(client, practitioner):
    for _ in range(5):
        known = _try(client, "practitioner", ip="198.51.100.1")
        unknown = _try(client, "nobody-by-this-name", ip="198.51.100.2")
    assert known.status_code == unknown.status_code == 429
    assert _page_text(known) == _page_text(unknown)
    assert "practitioner" not in _page_text(known)


def test_a_wrong_password_reads_the_same_whether_or_not_the_username_exists(client, practitioner):
    known = _try(client, "practitioner", ip="198.51.100.1")
    unknown = _try(client, "nobody-by-this-name", ip="198.51.100.2")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_each_failure_is_audited_once_and_attempts_while_paused_are_marked_refused(client, practitioner):
    for _ in range(5):
        _try(client, "practitioner")
    _try(client, "practitioner", TEST_PASSWORD)
    rows = list(
        AuditEvent.objects.filter(action="login_failed").values_list("outcome", "reason", "ip_address")
    )
    assert rows == [("failed", "", "198.51.100.7")] * 5 + [
        ("denied", "locked out after repeated failed log-ins", "198.51.100.7")
    ]
    assert AccessAttempt.objects.get(username="practitioner").failures_since_start == 5
    assert not AuditEvent.objects.filter(action="login").exists()


def test_a_failed_log_in_for_an_account_keeps_its_username_on_the_trail(client, practitioner):
    _try(client, "practitioner")
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor, event.actor_username, event.outcome) == (None, "practitioner", "failed")


@pytest.mark.parametrize("tried", ["Tr0ub4dor&3-typed-in-the-wrong-box", "Practitioner"])
def test_a_failed_log_in_for_no_account_keeps_no_username_on_the_trail(client, practitioner, tried):
    _try(client, tried)
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor, event.actor_username, event.outcome) == (None, "", "failed")
    assert not AuditEvent.objects.filter(actor_username__icontains="troub4dor").exists()


def test_a_successful_log_in_clears_earlier_failures(client, practitioner):
    for _ in range(4):
        _try(client, "practitioner")
    _try(client, "practitioner", TEST_PASSWORD)
    client.post("/logout/")
    assert [_try(client, "practitioner").status_code for _ in range(4)] == [200] * 4


def test_five_wrong_passwords_pause_that_username_only_from_that_address(client, practitioner, supervisor):
    for _ in range(5):
        _try(client, "practitioner", ip="203.0.113.50")
    assert _try(client, "practitioner", TEST_PASSWORD, ip="203.0.113.50").status_code == 429
    assert _try(client, "supervisor", TEST_PASSWORD, ip="203.0.113.50").status_code == 302
    assert (
        Client().post(
            "/login/", {"username": "practitioner", "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.51"
        )["Location"]
        == "/"
    )


def test_five_wrong_usernames_from_a_shared_office_address_lock_no_one_out(client, practitioner, supervisor):
    office = "203.0.113.80"
    for mistyped in ["practitoner", "practitioner1", "supervsor", "Supervisor", "jo.rivers"]:
        assert _try(client, mistyped, ip=office).status_code == 200
    assert _try(client, "nobody-by-this-name", ip=office).status_code == 200
    assert _try(client, "supervisor", TEST_PASSWORD, ip=office).status_code == 302
    assert (
        Client().post("/login/", {"username": "practitioner", "password": TEST_PASSWORD}, REMOTE_ADDR=office)[
            "Location"
        ]
        == "/"
    )
    assert not AccessAttempt.objects.filter(failures_since_start__gt=1).exists()


def test_failed_log_ins_put_no_usernames_or_addresses_in_the_logs(client, practitioner, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(6):
        _try(client, "practitioner")
    assert "practitioner" not in caplog.text
    assert "198.51.100.7" not in caplog.text


def test_an_admin_can_lift_a_pause_early_and_it_is_audited(client, practitioner, admin_user):
    for _ in range(5):
        _try(client, "practitioner")
        _try(client, "practitioner", ip="198.51.100.8")
    assert _try(client, "practitioner", TEST_PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(f"/staff/{practitioner.pk}/lift-pause/", follow=True)
    assert "Logging in is open again for this account." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="practitioner").exists()
    event = AuditEvent.objects.get(object_type="account", object_id=str(practitioner.pk), action="update")
    assert (event.actor, event.reason) == (
        admin_user,
        "sign-in pause lifted (2 failed attempt records cleared)",
    )

    assert _try(client, "practitioner", TEST_PASSWORD)["Location"] == "/"
    assert (
        Client().post(
            "/login/", {"username": "practitioner", "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.8"
        )["Location"]
        == "/"
    )


def test_lifting_one_pause_leaves_another_usernames_pause_alone(client, practitioner, supervisor, admin_user):
    for _ in range(5):
        _try(client, "practitioner")
        _try(client, "supervisor")
    account_services.lift_sign_in_pause(account=practitioner, by=admin_user)
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("supervisor", 5)]
    assert _try(client, "supervisor", TEST_PASSWORD).status_code == 429
    assert _try(client, "practitioner", TEST_PASSWORD)["Location"] == "/"


def test_only_admins_can_lift_a_pause(client, practitioner, supervisor):
    for _ in range(5):
        _try(client, "practitioner")
    other = Client()
    other.force_login(supervisor)
    assert other.post(f"/staff/{practitioner.pk}/lift-pause/").status_code == 404
    assert AccessAttempt.objects.filter(username="practitioner").exists()
    assert _try(client, "practitioner", TEST_PASSWORD).status_code == 429
