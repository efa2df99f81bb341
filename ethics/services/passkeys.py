"""A person's passkeys: adding one, signing in with one, removing one, and ending them all when a device is lost.

The WebAuthn checks are django-otp-webauthn's (its helper verifies every signature); these services decide who may
use them and write the audit trail. Only a person's own account (`User.is_person`) ever has or uses a passkey: a
member of staff's credential is refused exactly like an unknown one, so a passkey is never a way round staff
two-factor sign-in. A passkey is a way back in to the same account, so anything that ends the person's way in
(a new invitation after a lost phone, turning online access off, erasure) ends their passkeys too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.exceptions import WebAuthnException

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from ethics.models.online_access import OnlineAccess
from ethics.passkeys import device_name

if TYPE_CHECKING:
    from chime.models import User

# What a ceremony's request may carry that is not a WebAuthn answer at all (hostile or broken JSON).
_BAD_ANSWER = (OTPWebAuthnApiError, WebAuthnException, ValueError, KeyError, TypeError, AttributeError)


class PasskeyError(RuleBroken):
    """A passkey could not be added. `code` says why; the message is for the person."""


def _person_id(account: User) -> int | None:
    return OnlineAccess.objects.active().filter(account=account).values_list("person_id", flat=True).first()


def own_passkeys(account: User):
    """The person's passkeys, newest first: what kind of device, added on, last used."""
    return WebAuthnCredential.objects.filter(user=account).order_by("-created_at", "-pk")


@transaction.atomic
def add_passkey(
    *, request: HttpRequest, account: User, state: dict | None, answer: object
) -> WebAuthnCredential:
    """Check the person's phone or computer's answer to the set-up challenge and keep the new passkey. Audited."""
    person_id = _person_id(account)
    if not account.is_person or person_id is None:
        raise PasskeyError("not_a_person", "Only a person reading their own record can add a passkey here.")
    if own_passkeys(account).count() >= settings.CHIME_MAX_PASSKEYS:
        raise PasskeyError("too_many", "You have the most passkeys you can have. Remove one first.")
    if not state or not isinstance(answer, dict):
        raise PasskeyError("no_answer", "That did not work. Please try again.")
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    try:
        with rewrite_exceptions(logger=None):
            credential = helper.register_complete(user=account, state=state, data=answer)
    except _BAD_ANSWER as bad:
        raise PasskeyError("refused", "That did not work. Please try again.") from bad
    credential.name = device_name(request.headers.get("User-Agent", ""))
    credential.save(update_fields=["name"])
    audit.record(
        AuditEvent.Action.CREATE,
        actor=account,
        obj=credential,
        person_id=person_id,
        reason=Reason("passkey added"),
    )
    return credential


@transaction.atomic
def sign_in_with_passkey(*, request: HttpRequest, state: dict | None, answer: object) -> User | None:
    """The person whose passkey signed this sign-in challenge, or None: an unknown, removed or broken passkey, or
    one that is not a person's (staff never sign in with a passkey). The same None for each, so nothing is told."""
    if not state or not isinstance(answer, dict):
        return None
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    try:
        with rewrite_exceptions(logger=None):
            credential = helper.authenticate_complete(user=None, state=state, data=answer)
    except _BAD_ANSWER:
        return None
    account = credential.user
    person_id = _person_id(account)
    if not (credential.confirmed and account.is_person and account.is_active and person_id is not None):
        transaction.set_rollback(True)  # not even its "last used" changes
        return None
    audit.record(
        AuditEvent.Action.UPDATE,
        actor=account,
        obj=credential,
        person_id=person_id,
        reason=Reason("passkey used to sign in"),
    )
    return account


@transaction.atomic
def remove_passkey(*, account: User, pk: int) -> None:
    """The person removes one of their own passkeys (404 for anyone else's). Audited."""
    credential = own_passkeys(account).select_for_update().filter(pk=pk).first()
    if credential is None:
        raise Http404("No such passkey.")
    _end(
        credential,
        actor=account,
        person_id=_person_id(account),
        reason=Reason("passkey removed by the person"),
    )


@transaction.atomic
def end_passkeys(*, account: User, by: User | None, person_id: int, reason: Reason) -> int:
    """Every passkey of this account stops working at once (deleted), one audit row each. Returns how many.

    Called when the person may have lost their device (a new invitation) or their online access ends."""
    ended = 0
    for credential in own_passkeys(account).select_for_update():
        _end(credential, actor=by, person_id=person_id, reason=reason)
        ended += 1
    return ended


def _end(
    credential: WebAuthnCredential, *, actor: User | None, person_id: int | None, reason: Reason
) -> None:
    audit.record(AuditEvent.Action.UPDATE, actor=actor, obj=credential, person_id=person_id, reason=reason)
    credential.delete()
