from __future__ import annotations

import datetime as dt
import logging
import re

import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

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
    rows = list(AuditEvent.objects.filter(action="login_failed").values_list("outcome", "reason"))
    assert rows == [("failed", "")] * 5 + [("denied", "locked out after repeated failed log-ins")]
    assert AccessAttempt.objects.get(username="practitioner").failures_since_start == 5
    assert not AuditEvent.objects.filter(action="login").exists()


def test_a_successful_log_in_clears_earlier_failures(client, practitioner):
    for _ in range(4):
        _try(client, "practitioner")
    _try(client, "practitioner", TEST_PASSWORD)
    client.post("/logout/")
    assert [_try(client, "practitioner").status_code for _ in range(4)] == [200] * 4


def test_one_address_trying_many_passwords_is_paused_for_every_username(client, practitioner, supervisor):
    for _ in range(5):
        _try(client, "practitioner", ip="203.0.113.50")
    assert _try(client, "supervisor", TEST_PASSWORD, ip="203.0.113.50").status_code == 429
    assert _try(client, "supervisor", TEST_PASSWORD, ip="203.0.113.51").status_code == 302


def test_failed_log_ins_put_no_usernames_or_addresses_in_the_logs(client, practitioner, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(6):
        _try(client, "practitioner")
    assert "practitioner" not in caplog.text
    assert "198.51.100.7" not in caplog.text


def test_an_admin_can_lift_a_pause_early_and_it_is_audited(client, practitioner, admin_user):
    for _ in range(5):
        _try(client, "practitioner")
    assert _try(client, "practitioner", TEST_PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(f"/staff/{practitioner.pk}/lift-pause/", follow=True)
    assert "Logging in is open again for this account." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="practitioner").exists()
    event = AuditEvent.objects.get(object_type="account", object_id=str(practitioner.pk), action="update")
    assert (event.actor, event.reason) == (
        admin_user,
        "sign-in pause lifted (1 failed attempt record cleared)",
    )

    assert _try(client, "practitioner", TEST_PASSWORD)["Location"] == "/"


def test_only_admins_can_lift_a_pause(client, practitioner, supervisor):
    for _ in range(5):
        _try(client, "practitioner")
    other = Client()
    other.force_login(supervisor)
    assert other.post(f"/staff/{practitioner.pk}/lift-pause/").status_code == 404
    assert AccessAttempt.objects.filter(username="practitioner").exists()
    assert _try(client, "practitioner", TEST_PASSWORD).status_code == 429
