"""Writes for staff account security: two-factor devices and ending a member of staff's sessions."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import axes.utils
import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime import audit
from chime.accounts import session_limits
from chime.audit import Reason
from chime.models import AuditEvent

if TYPE_CHECKING:
    from chime.models import User

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
_REFUSED = {  # TwoFactorError codes, as the audit trail says them
    "wrong": Reason("wrong code"),
    "throttled": Reason("too many wrong codes in a row"),
    "no_app": Reason("no authenticator app set up"),
}
BACKUP_DEVICE_NAME = "Backup codes"


class TwoFactorError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _audit(action: str, *, account: User, by: User | None, reason: Reason, failed: bool = False) -> None:
    """One audit row about a staff account. Never a code or a secret in `reason`."""
    outcome = AuditEvent.Outcome.FAILED if failed else AuditEvent.Outcome.SUCCESS
    audit.record(
        action, outcome=outcome, actor=by, object_type="account", object_id=account.pk, reason=reason
    )


def authenticator_to_set_up(*, user: User) -> TOTPDevice:
    """The user's authenticator device waiting to be confirmed, made on first visit and kept until then."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who type it into their app instead of scanning."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's set-up link as a QR code: an SVG image in a data URI, drawn here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _check_code(device: Device, code: str) -> None:
    # Not inside a transaction of ours: a wrong code must stay counted by the device's throttle.
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(
            "Too many wrong codes in a row. Wait a minute, then try again.", code="throttled"
        )
    if not django_otp.verify_token(device.user, device.persistent_id, code.replace(" ", "").lower()):
        raise TwoFactorError(
            "That code did not match. Check the code in your app and try again.", code="wrong"
        )


def confirm_authenticator(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app the user has just set up with a code from it, and give them new backup codes."""
    try:
        _check_code(device, code)
    except TwoFactorError:
        _audit(
            AuditEvent.Action.LOGIN_FAILED,
            account=device.user,
            by=device.user,
            reason=Reason("two-factor set-up: wrong code"),
            failed=True,
        )
        raise
    return _confirm(device)


@transaction.atomic
def _confirm(device: TOTPDevice) -> list[str]:
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_backup_codes(device.user)
    _audit(
        AuditEvent.Action.UPDATE,
        account=device.user,
        by=device.user,
        reason=Reason("two-factor sign-in set up"),
    )
    return codes


def _replace_backup_codes(user: User) -> list[str]:
    # The same device keeps its id, so a session verified with a backup code stays verified.
    backup = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if backup is None:
        backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=backup.pk).delete()
    StaticToken.objects.filter(device=backup).delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


def _confirmed_device(model: type[Device], user: User) -> Device | None:
    return model.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_authenticator(user: User) -> bool:
    return _confirmed_device(TOTPDevice, user) is not None


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_backup_codes(*, user: User, code: str) -> list[str]:
    """Replace a member of staff's backup codes (used up, or seen by someone else); the old ones stop working.

    They prove it is them with a code from their app, so nobody at a screen left signed in can take a set."""
    device = _confirmed_device(TOTPDevice, user)
    try:
        if device is None:
            raise TwoFactorError("Set up two-factor sign-in with an app first.", code="no_app")
        _check_code(device, code)
    except TwoFactorError as error:
        _audit(
            AuditEvent.Action.UPDATE,
            account=user,
            by=user,
            reason=Reason(
                "new backup codes refused ({why})", why=_REFUSED.get(error.code, Reason("another reason"))
            ),
            failed=True,
        )
        raise
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        _audit(
            AuditEvent.Action.UPDATE,
            account=user,
            by=user,
            reason=Reason("new backup codes made; the earlier ones no longer work"),
        )
    return codes


def verify_second_step(*, user: User, code: str) -> Device:
    """Check a code from the user's app (six digits) or one of their backup codes (letters and digits, used once)."""
    cleaned = code.replace(" ", "")
    model = TOTPDevice if cleaned.isdigit() else StaticDevice
    device = _confirmed_device(model, user)
    try:
        if device is None:
            raise TwoFactorError("That code did not match. Check the code and try again.", code="wrong")
        _check_code(device, cleaned)
    except TwoFactorError as error:
        _audit(
            AuditEvent.Action.LOGIN_FAILED,
            account=user,
            by=user,
            reason=Reason(
                "two-factor code refused ({why})", why=_REFUSED.get(error.code, Reason("another reason"))
            ),
            failed=True,
        )
        raise
    method = Reason("backup code") if model is StaticDevice else Reason("authenticator app")
    _audit(
        AuditEvent.Action.LOGIN, account=user, by=user, reason=Reason("second step: {method}", method=method)
    )
    return device


@transaction.atomic
def reset_two_factor(*, account: User, by: User) -> None:
    """Remove a member of staff's two-factor devices (a lost phone) and sign them out everywhere.

    They set up a new app at their next log-in."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=account).delete()
    sign_out_everywhere(account=account, by=by, reason=Reason("two-factor sign-in reset"))


@transaction.atomic
def lift_sign_in_pause(*, account: User, by: User) -> int:
    """End a pause on logging in as `account` (too many wrong passwords) before it runs out, for example once the
    member of staff has rung to say it was them. Returns how many counted failures were cleared."""
    cleared = axes.utils.reset(username=account.username)
    _audit(
        AuditEvent.Action.UPDATE,
        account=account,
        by=by,
        reason=Reason("sign-in pause lifted ({count} failed attempt record cleared)", count=cleared)
        if cleared == 1
        else Reason("sign-in pause lifted ({count} failed attempt records cleared)", count=cleared),
    )
    return cleared


@transaction.atomic
def sign_out_everywhere(*, account: User, by: User | None, reason: Reason) -> int:
    """End every session signed in as `account` at once (e.g. when the account is deactivated)."""
    keys = session_limits.session_keys_of(account.pk, timezone.now())
    Session.objects.filter(session_key__in=keys).delete()
    _audit(
        AuditEvent.Action.UPDATE,
        account=account,
        by=by,
        reason=Reason("signed out everywhere ({count} session): {why}", count=1, why=reason)
        if len(keys) == 1
        else Reason("signed out everywhere ({count} sessions): {why}", count=len(keys), why=reason),
    )
    return len(keys)
