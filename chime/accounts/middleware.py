"""Session time limits and the two-factor requirement, applied to every request of a signed-in member of staff."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from chime import drafts
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
            # Signed out, the request goes on as anyone's would: KeepTypingMiddleware keeps a form posted too
            # late and answers a background request without leaving the page; other pages go to log in.
            self._end(request, reason)
            return self.get_response(request)
        session_limits.touch(request.session, now)
        response = self.get_response(request)
        if request.user.is_authenticated:  # still (not the log-out page)
            response[SECONDS_LEFT] = str(session_limits.seconds_left(request.session, now))
        return response

    def _end(self, request: HttpRequest, reason: str) -> None:
        request.logout_reason = _LOGOUT_REASONS[reason]  # read by the audit receiver
        logout(request)  # a person reading their own record is sent to sign in on their own page by its views
        text = _ENDED[reason].format(
            minutes=settings.CHIME_IDLE_TIMEOUT_MINUTES, hours=settings.CHIME_SESSION_MAX_HOURS
        )
        messages.info(request, text)


class KeepTypingMiddleware:
    """Nothing typed is lost when a session ends, and a page never turns into the log-in page by itself.

    For someone not signed in (never, or no longer), on a page that needs signing in:
    - a background request (htmx, or the page's own scripts) gets a 401 marked `X-Chime-Signed-Out`, which the page
      shows as "you have been signed out; what you typed is kept", instead of a redirect htmx would follow and swap
      the log-in page into the form;
    - a form posted with a good draft token (a `{% keep_draft %}` form) is kept as its author's draft, and they are
      sent to sign in: the form comes back exactly as typed.
    For someone signed in, a form posted with their draft token and answered with a redirect (saved) loses its draft.

    It sits after CSRF and before LoginRequiredMiddleware: what it keeps has passed the CSRF check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (301, 302, 303) and request.user.is_authenticated:
            of = drafts.token_in(request)
            if of is not None and of.author_id == request.user.pk:
                drafts.discard_draft(author=request.user, path=of.path)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if is_background(request):
            return signed_out_answer()
        of = drafts.token_in(request)
        if of is None:
            return None
        try:
            drafts.save_draft(of=of, data=drafts.fields_of(request.POST))
        except drafts.DraftError:
            return None  # no form of ours is that long: to log in, as any late post
        messages.info(request, KEPT)
        return redirect_to_login(of.path)


# On every signed-in answer: how many seconds the session has left without more activity.
SECONDS_LEFT = "X-Chime-Seconds-Left"
SIGNED_OUT = "X-Chime-Signed-Out"
KEPT = "Nothing was saved yet, but everything you typed is kept: log in again and the form comes back, ready to save."


def is_background(request: HttpRequest) -> bool:
    """A request the page makes by itself (htmx, or chime's scripts), not a page the browser is to show."""
    return bool(request.headers.get("HX-Request") or request.headers.get("X-Chime-Background"))


def signed_out_answer() -> HttpResponse:
    """The answer to a background request when nobody is signed in: the page stays, and says so."""
    response = JsonResponse({"signed_out": True, "login_url": reverse(settings.LOGIN_URL)}, status=401)
    response[SIGNED_OUT] = "1"
    response["HX-Reswap"] = "none"
    return response


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
