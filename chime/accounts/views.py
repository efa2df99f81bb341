"""Setting up an account with a one-time link, and the second step of logging in: setting up an authenticator app
(only in a session opened by a one-time link), and entering a code from it."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime.accounts import services, set_up
from chime.accounts.forms import CodeForm, SecondStepForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if safe else "/"


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if django_otp.user_has_device(request.user):
        return redirect(_next(request) if request.user.is_verified() else "two-factor-verify")
    if not set_up.may_enrol(request.session, request.user):
        # Knowing a password is never enough to enrol an authenticator: that needs a one-time link.
        return render(request, "chime/two_factor_ask_admin.html", status=403)
    device = services.authenticator_to_set_up(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_authenticator(device=device, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, device)
            set_up.enrolment_done(request.session)
            return render(request, "chime/backup_codes.html", {"codes": codes, "next": _next(request)})
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": services.qr_code_data_uri(device),
        "secret": services.secret_for_typing(device),
    }
    return render(request, "chime/two_factor_setup.html", context)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next(request))
    if not django_otp.user_has_device(request.user):
        return redirect("two-factor-setup")
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_step(user=request.user, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, device)
            if not isinstance(device, TOTPDevice):
                _say_backup_codes_left(request)
            return redirect(_next(request))
    return render(request, "chime/two_factor_verify.html", {"form": form, "next": _next(request)})


def _say_backup_codes_left(request: HttpRequest) -> None:
    left = services.backup_codes_left(request.user)
    messages.warning(
        request,
        f"You logged in with a backup code. You have {left} left"
        + (": make new ones on your Backup codes page." if left < 3 else "."),
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left, and a new set (the old ones stop working) after a code from the app."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.new_backup_codes(user=request.user, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            context = {"codes": codes, "next": reverse("home"), "heading": "Your new backup codes"}
            return render(request, "chime/backup_codes.html", context)
    context = {
        "form": form,
        "has_app": services.has_authenticator(request.user),
        "left": services.backup_codes_left(request.user),
    }
    return render(request, "chime/backup_codes_manage.html", context)


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def account_set_up(request: HttpRequest) -> HttpResponse:
    """A one-time link: choose your own password, then (in this session only) set up two-factor sign-in."""
    if "key" in request.GET:
        return _open_link(request, request.GET["key"])
    link = set_up.usable_link(link_id=request.session.get(set_up.OPENED_LINK))
    if link is None:
        return render(request, "chime/set_up_invalid.html", status=404)
    form = SetPasswordForm(link.account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = set_up.choose_password(link=link, password=form.cleaned_data["new_password1"])
        except set_up.SetUpError:
            return render(request, "chime/set_up_invalid.html", status=404)
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        set_up.allow_enrolment(request.session, account)
        messages.success(request, "Your password is set. Now set up two-factor sign-in.")
        return redirect("two-factor-setup")
    return render(request, "chime/set_up_password.html", {"form": form, "account": link.account})


def _open_link(request: HttpRequest, key: str) -> HttpResponse:
    # Whoever was signed in here is signed out: the link's owner sets up their own account, nobody else's.
    if request.user.is_authenticated:
        logout(request)
    link = set_up.usable_link(key=key)
    if link is None:
        return render(request, "chime/set_up_invalid.html", status=404)
    request.session[set_up.OPENED_LINK] = link.pk
    return redirect("account-set-up")  # the key leaves the address bar (and any Referer header)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes calls this instead of the login page while a username is locked out.

    The same page answers for every username, existing or not, so it reveals nothing about accounts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    match = request.resolver_match
    if match and match.namespace == "otp_webauthn":  # a passkey sign-in, asked by the page's script
        text = f"Too many tries. Please wait {minutes} minutes, or sign in with a link."
        return JsonResponse({"detail": text, "code": "paused"}, status=429)
    # A person signing in to their own record (a code or an emailed link) is told in their own words.
    page = "me/paused.html" if match and match.url_name.startswith("me-") else "registration/locked_out.html"
    return render(request, page, {"lockout_minutes": minutes}, status=429)
