"""Passkeys in the person's own view: setting one up, signing in with one, and the list to remove them from.

The WebAuthn ceremonies are django-otp-webauthn's, with its own browser script (served from our static files, no
CDN). Its "begin" views are used as they are, marked as person pages; the "complete" views are ours, so that the
new passkey and the sign-in go through ethics.services.passkeys (audited), and signing in goes through
`django.contrib.auth.authenticate` like the code and the link: django-axes counts refused passkeys and pauses the
address, and the session is the same person's session as any other (same backend, clocks and middleware).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp_webauthn import views as library

from chime.accounts.person_sessions import person_entry, person_page
from ethics import own_record
from ethics.backends import PASSKEY_LABEL
from ethics.services import passkeys as services

REGISTER_STATE = (
    "otp_webauthn_register_state"  # where the library's begin views keep each ceremony's challenge
)
SIGN_IN_STATE = "otp_webauthn_authentication_state"
REFUSED = "This passkey did not work. Please sign in with a link instead."

# The library's script shows these words; the person sees these plainer ones (served by `words` below).
WORDS = {
    "Registering...": "Setting up…",
    "Finishing registration...": "Nearly done…",
    "Registration successful!": "Done. Your passkey is set up.",
    "Registration aborted.": "Nothing was set up. You can try again.",
    "Registration aborted or not allowed.": "Nothing was set up. You can try again.",
    "Registration failed. You most likely already have a Passkey registered for this site.": (
        "This phone or computer has a passkey for your record already."
    ),
    "Verifying...": "Checking…",
    "Finishing verification...": "Nearly done…",
    "Verification successful!": "Done. Opening your record…",
    "Verification aborted.": "You did not sign in. You can try again.",
    "Verification canceled or not allowed.": "You did not sign in. You can try again.",
}
TRIED_AGAIN = "That did not work. Please try again, or sign in with a link."


def _answer(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


@person_page
@require_GET
def passkeys(request: HttpRequest) -> HttpResponse:
    """Your passkeys: what they are, the button to set one up here, and the list to remove them from."""
    own_record.own_access(request.user)
    return render(request, "me/passkeys.html", {"passkeys": list(services.own_passkeys(request.user))})


@person_page
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    services.remove_passkey(account=request.user, pk=pk)
    messages.success(request, "Done. That passkey will not work any more.")
    return redirect("me-passkeys")


class _SetUpBegin(library.BeginCredentialRegistrationView):
    def user_is_mfa_enrolled(self, user) -> bool:
        # A person's passkey is a way in, not a second step: signed in with their code or link, they may add one.
        return False


set_up_begin = person_page(_SetUpBegin.as_view())


@person_page
@never_cache
@require_POST
def set_up_complete(request: HttpRequest) -> HttpResponse:
    state = request.session.pop(REGISTER_STATE, None)  # each challenge answers once
    try:
        credential = services.add_passkey(
            request=request, account=request.user, state=state, answer=_answer(request)
        )
    except services.PasskeyError as error:
        return JsonResponse({"detail": str(error), "code": error.code}, status=400)
    messages.success(request, "Done. You can use this passkey to sign in next time.")
    return JsonResponse({"id": credential.pk})


class _SignInBegin(library.BeginCredentialAuthenticationView):
    def get_user(self):
        return (
            None  # always the passwordless ceremony: the browser offers the passkeys it holds for this site
        )


sign_in_begin = person_entry(_SignInBegin.as_view())


@person_entry
@never_cache
@require_POST
def sign_in_complete(request: HttpRequest) -> HttpResponse:
    state = request.session.pop(SIGN_IN_STATE, None)
    request.session.save()  # the challenge is gone even if what follows fails
    user = authenticate(request, username=PASSKEY_LABEL, passkey_state=state, passkey_answer=_answer(request))
    if user is None:  # django-axes has counted it; while paused, its lock-out answer replaces this one
        return JsonResponse({"detail": REFUSED, "code": "refused"}, status=403)
    login(request, user, backend="ethics.backends.PersonSignInBackend")
    return JsonResponse({"id": "signed-in", "redirect_url": reverse("me-home")})


@person_entry
@require_GET
def words(request: HttpRequest) -> HttpResponse:
    """The words the library's script shows, in plain English (in place of its translation catalogue)."""
    script = (
        "(function(){var w=" + json.dumps(WORDS) + ",t=" + json.dumps(TRIED_AGAIN) + ";"
        "window.gettext=function(s){return w[s]||(/failed|error/i.test(s)?t:s);};})();"
    )
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")
