"""Online access for the person: offering it, inviting them, signing them in, and turning it off.

Each write is one transaction with its audit row. The person's choice is recorded like a consent (with the words
they were shown) and ends like one: turning it off (by the person or by staff) closes their account at once,
cancels their invitations and signs them out everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from chime import audit
from chime.accounts.services import sign_out_everywhere
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent, User
from chime.services import notify
from ethics.models.online_access import ONLINE_ACCESS_WORDING, Invitation, OnlineAccess
from ethics.services.passkeys import end_passkeys

if TYPE_CHECKING:
    from sessions.models import Person

logger = logging.getLogger(__name__)

# Letters and digits that cannot be mistaken for one another when read out or printed (no O/0, I/1/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12: about 59 bits, and django-axes pauses an address after 5 wrong codes
SIGN_IN_SCOPE = "my-record"  # django-sesame scope: a link for this and nothing else


class OnlineAccessError(RuleBroken):
    """An online-access rule was broken. `code` says which; the message is for people."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_code(typed: str) -> str:
    """What someone typed, as the code it stands for: capitals, no spaces or dashes."""
    return re.sub(r"[^A-Z0-9]", "", typed.upper())[:40]


def shown_code(code: str) -> str:
    """A code in groups of four, for reading out and printing: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def current_access(person: Person) -> OnlineAccess | None:
    return OnlineAccess.objects.active().filter(person=person).select_related("account").first()


@transaction.atomic
def offer_online_access(*, person: Person, offered_by: User, how_given: str) -> OnlineAccess:
    """Record that the person chose to read their record online, with the words they were shown.

    Makes their own account (never a member of staff's: no role, no password)."""
    if current_access(person) is not None:
        raise OnlineAccessError("already_on", "Online access is already on for this person.")
    if how_given not in OnlineAccess.HowGiven.values:
        raise OnlineAccessError("how_given", "Say how the person made their choice.")
    now = timezone.now()
    account = User(username=f"person-{person.pk}-{secrets.token_hex(4)}", is_person=True)
    account.set_unusable_password()
    account.save()
    access = OnlineAccess.objects.create(
        person=person,
        account=account,
        wording=ONLINE_ACCESS_WORDING,
        how_given=how_given,
        offered_by=offered_by,
        chosen_at=now,
    )
    audit.record(
        AuditEvent.Action.CONSENT_GIVEN,
        obj=access,
        person_id=person.pk,
        reason=Reason("online access chosen ({how})", how=OnlineAccess.HowGiven(how_given)),
    )
    return access


@transaction.atomic
def invite(*, access: OnlineAccess, by: User, email: bool) -> tuple[Invitation, str]:
    """A new one-time invitation code (earlier ones stop working). Returns it with the code, shown once to the
    practitioner to read out or print, and emailed to the person when `email` and their record has an address.

    A new invitation is how a person gets back in after losing their phone, so every passkey they had stops
    working (anyone holding the lost phone can no longer sign in with it)."""
    access = OnlineAccess.objects.select_for_update().select_related("person").get(pk=access.pk)
    if not access.is_on:
        raise OnlineAccessError("off", "Online access is off for this person.")
    now = timezone.now()
    access.invitations.filter(used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    end_passkeys(
        account=access.account,
        by=by,
        person_id=access.person_id,
        reason=Reason("passkey ended by a new invitation"),
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    address = access.person.email if email else ""
    invitation = Invitation.objects.create(
        access=access,
        code_hash=_hash(code),
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.CHIME_INVITATION_HOURS),
        emailed=bool(address),
    )
    audit.record(
        AuditEvent.Action.CREATE,
        obj=invitation,
        person_id=access.person_id,
        reason=Reason("invitation to read their record online (emailed)")
        if address
        else Reason("invitation to read their record online (given in person)"),
    )
    if address:
        transaction.on_commit(lambda: _email_invitation(address, code))
    return invitation, code


def start_url() -> str:
    """The page where a person types their invitation code."""
    return f"{settings.CHIME_BASE_URL.rstrip('/')}{reverse('me-start')}"


def invitation_url(code: str) -> str:
    return f"{start_url()}?code={code}"


def _email_invitation(address: str, code: str) -> None:
    hours = settings.CHIME_INVITATION_HOURS
    message = (
        "You asked to read your record online.\n\n"
        f"Open this link to sign in. It works once, for {hours} hours:\n\n{invitation_url(code)}\n\n"
        f"Or go to {start_url()} and type this code: {shown_code(code)}\n\n"
        "If you did not ask for this, please tell the person who supports you.\n"
    )
    _send("Your record: your invitation", message, address)


def _send(subject: str, message: str, address: str) -> None:
    try:
        send_mail(subject, message, None, [address])
    except Exception:  # noqa: BLE001 - the person can ask again; the code or link is in no log
        logger.exception("Could not email a person their sign-in")


@transaction.atomic
def redeem_invitation(*, code: str) -> User | None:
    """The account a usable invitation with this code belongs to, using the invitation up; else None."""
    code = normalise_code(code)
    if not code:
        return None
    invitation = (
        Invitation.objects.select_for_update()
        .usable(timezone.now())
        .filter(code_hash=_hash(code))
        .select_related("access__account")
        .first()
    )
    if invitation is None:
        return None
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    account = invitation.access.account
    audit.record(
        AuditEvent.Action.UPDATE,
        actor=account,
        obj=invitation,
        person_id=invitation.access.person_id,
        reason=Reason("invitation used to sign in"),
    )
    return account


@transaction.atomic
def send_sign_in_link(*, email: str) -> bool:
    """Email a one-time sign-in link to a person with online access whose record has this address.

    Says nothing to the caller's page either way (the view answers the same): returns whether one was sent."""
    address = email.strip()
    if not address:
        return False
    access = (
        OnlineAccess.objects.active()
        .filter(person__email__iexact=address, person__erased_at__isnull=True, account__is_active=True)
        .select_related("account", "person")
        .first()
    )
    if access is None:
        return False
    url = f"{settings.CHIME_BASE_URL.rstrip('/')}{sign_in_link_for(access.account)}"
    audit.record(
        AuditEvent.Action.CREATE,
        actor=access.account,
        object_type="sign-in link",
        object_id=access.pk,
        person_id=access.person_id,
        reason=Reason("one-time sign-in link emailed"),
    )
    message = (
        f"Open this link to read your record. It works once, for {link_minutes()} minutes:\n\n{url}\n\n"
        "If you did not ask for this, you can ignore this email.\n"
    )
    transaction.on_commit(lambda: _send("Your record: your sign-in link", message, access.person.email))
    return True


def link_minutes() -> int:
    return int(settings.SESAME_MAX_AGE.total_seconds() // 60)


def sign_in_link_for(account: User) -> str:
    """A one-time sign-in link's address for this person's account (for the demo's `seed_demo --logins`)."""
    return f"{reverse('me-link')}{get_query_string(account, scope=SIGN_IN_SCOPE)}"


@transaction.atomic
def turn_off_online_access(*, access: OnlineAccess, by: User | None) -> None:
    """End online access at once: the account closes, invitations and passkeys stop working, every session ends.

    `by` is the person themselves or a member of staff (None: the retention sweep); when it is the person, their
    practitioner is told."""
    access = OnlineAccess.objects.select_for_update().select_related("account", "person").get(pk=access.pk)
    if not access.is_on:
        raise OnlineAccessError("off", "Online access is already off.")
    now = timezone.now()
    access.turned_off_at = now
    access.turned_off_by = by
    access.save(update_fields=["turned_off_at", "turned_off_by"])
    access.invitations.filter(used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    account = access.account
    by_the_person = by is not None and by.pk == account.pk
    account.is_active = False
    account.save(update_fields=["is_active"])
    end_passkeys(
        account=account,
        by=by,
        person_id=access.person_id,
        reason=Reason("passkey ended: online access turned off"),
    )
    audit.record(
        AuditEvent.Action.CONSENT_WITHDRAWN,
        actor=by,
        obj=access,
        person_id=access.person_id,
        reason=Reason("online access turned off by the person")
        if by_the_person
        else Reason("online access turned off by staff"),
    )
    sign_out_everywhere(account=account, by=by, reason=Reason("online access turned off"))
    if by_the_person:
        notify(
            recipients=[access.person.practitioner],
            title=f"Person {access.person_id} turned off online access to their record",
            url=reverse("online-access", args=[access.person_id]),
            about=access,
        )
