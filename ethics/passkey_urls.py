"""django-otp-webauthn's endpoints, under the names its template tags and script look for (namespace
"otp_webauthn"), served by ethics.views.passkeys as pages of the person's own view."""

from __future__ import annotations

from django.urls import path

from ethics.views import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path("set-up/begin/", passkeys.set_up_begin, name="credential-registration-begin"),
    path("set-up/complete/", passkeys.set_up_complete, name="credential-registration-complete"),
    path("sign-in/begin/", passkeys.sign_in_begin, name="credential-authentication-begin"),
    path("sign-in/complete/", passkeys.sign_in_complete, name="credential-authentication-complete"),
    path("words.js", passkeys.words, name="js-i18n-catalog"),
]
