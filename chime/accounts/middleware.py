"""Session time limits and the two-factor requirement, applied to every request of a signed-in member of staff."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from chime.accounts import session_limits
from chime.audit import Reason

_LOGOUT_REASONS = {
    "idle": Reason("session ended: idle limit"),
    "lifetime": Reason("session ended: lifetime limit"),
}
_ENDED = {
    "idle": "You were logged out after {minutes} minutes without activity. Please log in again.",
    "lifetime": "Your session reached its {hours}-hour limit. Please log in again.",
}

# Pages a signed-in member of staff may reach before their second step: how to finish logging in, or leave.
TWO_FACTOR_EXEMPT = {"login", "logout", "two-factor-setup", "two-factor-verify", "account-set-up"}


class SessionTimeoutMiddleware:
    """Log out a session that has been idle too long or has reached its absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = timezone.now()
        reason = session_limits.expiry_reason(request.session, now)
        if reason:
            return self._end(request, reason)
        session_limits.touch(request.session, now)
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        request.logout_reason = _LOGOUT_REASONS[reason]  # read by the audit receiver
        # A person reading their own record signs in again on their own page, not the staff log-in.
        login_url = reverse("me-sign-in") if request.user.is_person else reverse(settings.LOGIN_URL)
        logout(request)
        text = _ENDED[reason].format(
            minutes=settings.CHIME_IDLE_TIMEOUT_MINUTES, hours=settings.CHIME_SESSION_MAX_HOURS
        )
        messages.info(request, text)
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(login_url)
        return redirect_to_login(request.get_full_path(), login_url)


class TwoFactorMiddleware:
    """When two-factor sign-in is required, a member of staff sees no page until they have entered a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.CHIME_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if user.is_person:  # a person signs in with a one-time code or link, never a password and an app
            return None
        if request.resolver_match.view_name in TWO_FACTOR_EXEMPT:
            return None
        step = "two-factor-verify" if user_has_device(user) else "two-factor-setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
