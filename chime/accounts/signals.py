"""Log in, log out and failed log in go to the audit trail; every new sign-in starts its session's clocks."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from chime import audit
from chime.accounts import session_limits
from chime.models import AuditEvent, User


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs) -> None:
    session_limits.start(request.session, timezone.now())


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit.record(AuditEvent.Action.LOGIN, actor=user, object_type="account", object_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        # The reason is set when Chime ends a session itself (accounts.middleware: idle or lifetime limit).
        reason = getattr(request, "logout_reason", "")
        audit.record(
            AuditEvent.Action.LOGOUT, actor=user, object_type="account", object_id=user.pk, reason=reason
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The password never goes on the trail, and the username tried only when it names an account: an unknown one
    # may be a password typed into the wrong box. While django-axes has the username paused at this address the
    # password is not even checked: that attempt is recorded as refused, and axes does not count it again.
    locked_out = bool(getattr(request, "axes_locked_out", False))
    audit.record(
        AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.DENIED if locked_out else AuditEvent.Outcome.FAILED,
        object_type="account",
        actor_username=_account_username(credentials.get(User.USERNAME_FIELD)),
        reason=audit.Reason("locked out after repeated failed log-ins") if locked_out else "",
    )


def _account_username(tried: object) -> str:
    # The same exact match that logging in uses (ModelBackend: get_by_natural_key), so "Sam" is not "sam".
    username = str(tried or "")
    return username if User.objects.filter(**{User.USERNAME_FIELD: username}).exists() else ""
