"""Dee signs in on her phone with the code she was given, sets up a passkey, signs out, and signs back in with the
passkey alone: in a real Chromium with its virtual authenticator (a phone's screen lock that always says yes), at
320 pixels wide, with axe and no sideways scrolling on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from chime.models import AuditEvent
from ethics.models import WebAuthnCredential
from ethics.services import online_access
from tests.browser.test_person_view_journey import PHONE, _fits
from tests.ethics.online import give_access
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium's virtual authenticator (DevTools protocol): a phone's own passkey store with a screen lock.
PHONE_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def test_dee_sets_up_a_passkey_and_signs_back_in_with_it(
    browser: Browser, live_server, settings, practitioner
):
    # WebAuthn needs a secure context: the live server is on http://localhost, whose port is only known now.
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)

    phone = browser.new_context(**PHONE)
    dee = phone.new_page()
    devtools = phone.new_cdp_session(dee)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": PHONE_AUTHENTICATOR})

    dee.goto(f"{live_server.url}/me/start/")
    dee.get_by_label("Your code").fill(code)
    dee.get_by_role("button", name="Sign in").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
    _fits(dee)

    dee.get_by_role("link", name="Set up a passkey on this phone or computer").click()
    expect(dee.get_by_role("heading", name="My passkeys")).to_be_visible()
    expect(dee.get_by_text("You have no passkeys yet.")).to_be_visible()
    _fits(dee)
    dee.get_by_role("button", name="Set up a passkey on this phone or computer").click()
    expect(dee.get_by_text("Done. You can use this passkey to sign in next time.")).to_be_visible()
    expect(dee.get_by_text("Not used yet.")).to_be_visible()
    _fits(dee)

    dee.get_by_role("button", name="Sign out").click()
    expect(dee.get_by_role("heading", level=1)).to_be_visible()
    _fits(dee)

    dee.goto(f"{live_server.url}/me/sign-in/")
    _fits(dee)
    dee.get_by_role("button", name="Sign in with a passkey").click()
    expect(dee.get_by_role("heading", name="Hello, Dee")).to_be_visible()
    _fits(dee)

    dee.get_by_role("link", name="Set up a passkey on this phone or computer").click()
    expect(dee.get_by_text("Last used on")).to_be_visible()
    _fits(dee)
    phone.close()

    passkey = WebAuthnCredential.objects.get()
    assert passkey.user == access.account
    reasons = AuditEvent.objects.filter(
        actor=access.account, object_type="django_otp_webauthn.WebAuthnCredential", object_id=str(passkey.pk)
    ).values_list("reason", flat=True)
    assert sorted(reasons) == ["passkey added", "passkey used to sign in"]
    assert AuditEvent.objects.filter(actor=access.account, action="login").count() == 2
