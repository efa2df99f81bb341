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
