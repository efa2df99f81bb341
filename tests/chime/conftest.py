from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_from(device: TOTPDevice) -> str:
    """What the member of staff's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.fixture
def two_factor_on(settings):
    settings.CHIME_REQUIRE_2FA = True


@pytest.fixture
def app_of(db):
    """Give a member of staff a confirmed authenticator app and two backup codes."""

    def give(user) -> TOTPDevice:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
        StaticToken.objects.bulk_create(
            [StaticToken(device=backup, token=t) for t in ("abcd2345", "efgh6723")]
        )
        return device

    return give


NEW_PASSWORD = "my-own-choice-of-words-7"  # noqa: S105 - a test password


def open_set_up_link(client, account, *, by=None, purpose: str = "new_account") -> None:
    """Do what the member of staff does with their emailed link: open it and choose a password. The client is
    then signed in, in a session that may enrol an authenticator app."""
    from chime.accounts import set_up

    key = set_up.issue_link(account=account, by=by, purpose=purpose)
    assert client.get(f"/account/set-up/?key={key}")["Location"] == "/account/set-up/"
    response = client.post("/account/set-up/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/account/two-factor/", response.content[:2000]


@pytest.fixture
def enrolling(db):
    """A client in a session opened by the member of staff's one-time link."""

    def enrol(client, account):
        open_set_up_link(client, account)
        return client

    return enrol
