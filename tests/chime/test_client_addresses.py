"""Which address a request came from: only what our own proxies added is believed; nonsense counts as unknown."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from chime.models import AuditEvent
from tests.chime.test_settings import _setup_with
from tests.factories import TEST_PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy in front of Chime: every request reaches Chime from it


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.CHIME_TRUSTED_PROXY_COUNT = 1
    return settings


def _log_in(client, *, password: str = TEST_PASSWORD, forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/login/", {"username": "practitioner", "password": password}, **extra)


def _audited_address(action: str = "login") -> str | None:
    return AuditEvent.objects.get(action=action).ip_address


def test_without_a_proxy_the_forwarded_header_is_not_believed(client, practitioner):
    _log_in(client, forwarded="203.0.113.9", remote="198.51.100.7")
    assert _audited_address() == "198.51.100.7"


def test_behind_a_proxy_the_address_it_added_is_believed_not_a_spoofed_one_to_its_left(
    client, practitioner, behind_proxy
):
    response = _log_in(client, forwarded="192.0.2.66, 203.0.113.9")
    assert response["Location"] == "/"
    assert _audited_address() == "203.0.113.9"


def test_behind_two_proxies_the_address_the_outer_one_saw_is_believed(client, practitioner, behind_proxy):
    behind_proxy.CHIME_TRUSTED_PROXY_COUNT = 2
    _log_in(client, forwarded="192.0.2.66, 203.0.113.9, 10.0.0.3")
    assert _audited_address() == "203.0.113.9"


def test_with_fewer_entries_than_trusted_proxies_the_connection_address_is_used(
    client, practitioner, behind_proxy
):
    behind_proxy.CHIME_TRUSTED_PROXY_COUNT = 2
    _log_in(client, forwarded="203.0.113.9")
    assert _audited_address() == PROXY


def test_behind_a_proxy_a_request_without_the_header_uses_the_connection_address(
    client, practitioner, behind_proxy
):
    _log_in(client)
    assert _audited_address() == PROXY


def test_an_ipv6_address_is_believed(client, practitioner, behind_proxy):
    _log_in(client, forwarded="2001:db8::1")
    assert _audited_address() == "2001:db8::1"


MALFORMED = [
    "unknown",
    "1.2.3",
    "<script>alert(1)</script>",
    "9" * 5000,
    "fe80::1%eth0",
    "203.0.113.9:443",
    "",
]


@pytest.mark.parametrize("forwarded", MALFORMED)
def test_log_in_with_a_malformed_forwarded_address_works_and_audits_no_address(
    client, practitioner, behind_proxy, forwarded
):
    response = _log_in(client, forwarded=f"203.0.113.9, {forwarded}")
    assert response["Location"] == "/"
    assert _audited_address() is None


def test_a_failed_log_in_with_a_malformed_address_is_counted_and_audited_without_one(
    client, practitioner, behind_proxy
):
    response = _log_in(client, password="wrong-password", forwarded="unknown")
    assert response.status_code == 200
    assert _audited_address("login_failed") is None
    assert AccessAttempt.objects.get(username="practitioner").ip_address is None


def test_a_malformed_connection_address_counts_as_unknown(client, practitioner):
    _log_in(client, remote="not-an-address")
    assert _audited_address() is None


def test_changing_the_spoofed_entry_does_not_escape_the_lock_out(client, practitioner, behind_proxy):
    statuses = [
        _log_in(client, password="wrong-password", forwarded=f"192.0.2.{n}, 203.0.113.9").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_refuses_to_start_with_no_trusted_proxy():
    result = _setup_with({"CHIME_TRUSTED_PROXY_COUNT": "0"})
    assert result.returncode != 0
    assert "CHIME_TRUSTED_PROXY_COUNT must be at least 1" in result.stderr
