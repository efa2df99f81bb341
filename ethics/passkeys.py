"""How Chime uses django-otp-webauthn: passkeys for people supported, to sign in to their own record.

The library's helper makes and checks the WebAuthn ceremonies; this subclass only says what the person's phone or
computer shows them when it saves the passkey ("My record", not an account's username), and names the kind of
device from the browser's description of itself, for the person's list of passkeys.
"""

from __future__ import annotations

import re

from django.conf import settings
from django_otp_webauthn.helpers import WebAuthnHelper

# The first that matches names the device: (pattern in the User-Agent header, name shown to the person).
_DEVICES = [
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android.*Mobile", "Android phone"),
    (r"Android", "Android tablet"),
    (r"CrOS", "Chromebook"),
    (r"Macintosh|Mac OS X", "Mac"),
    (r"Windows", "Windows computer"),
    (r"Linux", "Linux computer"),
]
UNKNOWN_DEVICE = "Phone or computer"


def device_name(user_agent: str) -> str:
    """A plain name for the kind of phone or computer a browser says it runs on (never the whole header)."""
    for pattern, name in _DEVICES:
        if re.search(pattern, user_agent or ""):
            return name
    return UNKNOWN_DEVICE


class PersonPasskeyHelper(WebAuthnHelper):
    def get_credential_name(self, user) -> str:
        return f"My record at {settings.CHIME_ORGANISATION_NAME}"

    def get_credential_display_name(self, user) -> str:
        return self.get_credential_name(user)
