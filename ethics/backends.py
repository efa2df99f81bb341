"""How a person supported signs in to their own record: a one-time invitation code, or a one-time emailed link.

Neither way works for a member of staff's account: this backend only ever returns accounts with `is_person` set,
and staff log in with their password and two-factor code through Django's ModelBackend. The views call
`django.contrib.auth.authenticate` with a fixed `username` label, so django-axes (the first backend) counts wrong
codes and dead links per address and pauses them, exactly as it pauses wrong passwords.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from sesame.tokens import parse_token

from chime.models import User
from ethics.services import online_access

INVITATION_LABEL = "(invitation code)"  # what django-axes counts attempts under, with the address
LINK_LABEL = "(sign-in link)"


class PersonSignInBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        invitation_code: str | None = None,
        sign_in_token: str | None = None,
    ) -> User | None:
        if invitation_code:
            return online_access.redeem_invitation(code=invitation_code)
        if sign_in_token:
            return parse_token(sign_in_token, self.get_user, online_access.SIGN_IN_SCOPE, None)
        return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_person=True, is_active=True).first()
