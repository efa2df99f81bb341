"""One-time set-up links: the only way a member of staff gets a password, and the only way to enrol two-factor.

An admin never sets anyone's password. A new account, a password reset and a two-factor reset each send the
member of staff a link (by email; in development the console email backend prints it). It works once, for
`CHIME_SET_UP_LINK_HOURS`, and only the newest link of an account works. Opening it lets them choose their own
password; the session it opened, and only that session, may then enrol an authenticator app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chime import audit
from chime.errors import RuleBroken
from chime.models import AuditEvent, SetUpLink

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from chime.models import User

logger = logging.getLogger(__name__)

OPENED_LINK = "chime_set_up_link"  # the link opened in this browser session (its id, never its key)
MAY_ENROL = "chime_may_enrol_two_factor"  # the account this session may enrol an authenticator for


class SetUpError(RuleBroken):
    """A set-up link could not be used (used, replaced, too old, or not this account)."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_link(*, account: User, by: User | None, purpose: str) -> str:
    """Make a new one-time link for `account` (earlier unused ones stop working) and email it to them.

    Returns the key, for the caller's tests only: it is never shown to the admin who asked for it."""
    now = timezone.now()
    SetUpLink.objects.filter(account=account, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    key = secrets.token_urlsafe(32)
    link = SetUpLink.objects.create(
        account=account,
        purpose=purpose,
        key_hash=_hash(key),
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.CHIME_SET_UP_LINK_HOURS),
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        actor=by,
        object_type="account",
        object_id=account.pk,
        reason=audit.Reason(
            "one-time set-up link #{link} sent ({purpose})", link=link.pk, purpose=SetUpLink.Purpose(purpose)
        ),
    )
    url = f"{settings.CHIME_BASE_URL.rstrip('/')}{reverse('account-set-up')}?key={key}"
    transaction.on_commit(lambda: _email_link(account.email, url))
    return key


def _email_link(address: str, url: str) -> None:
    hours = settings.CHIME_SET_UP_LINK_HOURS
    message = (
        "An admin has set up your Chime account, or reset your password or two-factor sign-in.\n\n"
        f"Open this link to choose your password and set up two-factor sign-in. It works once, "
        f"for {hours} hours:\n\n{url}\n\n"
        "If you did not expect this, tell your manager: nobody from Chime will ask you for your password.\n"
    )
    try:
        send_mail("Chime: set up your account", message, None, [address])
    except Exception:  # noqa: BLE001 - the admin is told to try again; the link is in no log
        logger.exception("Could not email a set-up link")


def usable_link(*, key: str | None = None, link_id: int | None = None) -> SetUpLink | None:
    """The link with this key (or id), if it is unused, in time, and its account active; else None."""
    if not key and not link_id:
        return None
    links = SetUpLink.objects.usable(timezone.now()).select_related("account")
    return links.filter(key_hash=_hash(key)).first() if key else links.filter(pk=link_id).first()


@transaction.atomic
def choose_password(*, link: SetUpLink, password: str) -> User:
    """Set the password the member of staff chose (already checked by Django's validators) and use up the link."""
    link = SetUpLink.objects.select_for_update().filter(pk=link.pk).usable(timezone.now()).first()
    if link is None:
        raise SetUpError("expired", "This link has been used or has expired. Ask an admin for a new one.")
    account = link.account
    account.set_password(password)
    account.save(update_fields=["password"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        actor=account,
        object_type="account",
        object_id=account.pk,
        reason=audit.Reason("password chosen with one-time link #{link}", link=link.pk),
    )
    return account


def allow_enrolment(session: SessionBase, account: User) -> None:
    session[MAY_ENROL] = account.pk


def may_enrol(session: SessionBase, account: User) -> bool:
    return session.get(MAY_ENROL) == account.pk


def enrolment_done(session: SessionBase) -> None:
    session.pop(MAY_ENROL, None)
