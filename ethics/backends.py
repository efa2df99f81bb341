"""How a person supported signs in to their own record: a one-time invitation code, a one-time emailed link, or a
passkey on their own phone or computer (ethics.services.passkeys).

Neither way works for a member of staff's account: this backend only ever returns accounts with `is_person` set,
and staff log in with their password and two-factor code through Django's ModelBackend. The views call
`django.contrib.auth.authenticate` with a fixed `username` label, so django-axes (the first backend) counts wrong
codes, dead links and refused passkeys per address and pauses them, exactly as it pauses wrong passwords.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from sesame.tokens import parse_token

from chime.models import User
from ethics.services import online_access, passkeys

INVITATION_LABEL = "(invitation code)"  # what django-axes counts attempts under, with the address
LINK_LABEL = "(sign-in link)"
PASSKEY_LABEL = "(passkey)"


class PersonSignInBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        invitation_code: str | None = None,
        sign_in_token: str | None = None,
        passkey_state: dict | None = None,
        passkey_answer: object = None,
    ) -> User | None:
        if invitation_code:
            return online_access.redeem_invitation(code=invitation_code)
        if sign_in_token:
            return parse_token(sign_in_token, self.get_user, online_access.SIGN_IN_SCOPE, None)
        if username == PASSKEY_LABEL and request is not None:
            return passkeys.sign_in_with_passkey(request=request, state=passkey_state, answer=passkey_answer)
        return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_person=True, is_active=True).first()
