"""The person's own view: signing in with a code or an emailed link, their record, and turning access off.

Every page here is a `person_page` (only a person's session opens it) or a `person_entry` (the sign-in pages).
A person's session opens nothing else (chime.accounts.person_sessions). Codes and links are taken out of the
address bar at once and used only when the person presses the button, so a link checker opening an email's link
does not use it up.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime.accounts.person_sessions import person_entry, person_page
from ethics import own_record
from ethics.backends import INVITATION_LABEL, LINK_LABEL
from ethics.forms.online_access import CodeForm, EmailLinkForm
from ethics.models import SubjectAccessRequest
from ethics.services import consent as consent_services
from ethics.services import online_access as services
from ethics.services import subject_access
from ethics.views.my_checkins import how_i_am_doing
from sessions.own_words import voices_on

_CODE = "chime_invitation_code"
_LINK = "chime_sign_in_link"
_PAUSED = "Too many tries. Please wait 15 minutes, or ask the person who supports you for a new invitation."


def _sign_in(request: HttpRequest, **credentials: str) -> bool:
    user = authenticate(request, **credentials)
    if user is None:
        return False
    login(request, user, backend="ethics.backends.PersonSignInBackend")
    return True


@person_entry
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Sign in with an invitation code, typed or from the invitation link."""
    if "code" in request.GET:  # from a link: keep the code out of the address bar and history
        request.session[_CODE] = services.normalise_code(request.GET["code"])
        return redirect("me-start")
    form = CodeForm(request.POST or None, initial={"code": request.session.get(_CODE, "")})
    if request.method == "POST" and form.is_valid():
        request.session.pop(_CODE, None)
        if _sign_in(request, username=INVITATION_LABEL, invitation_code=form.cleaned_data["code"]):
            return redirect("me-home")
        paused = getattr(request, "axes_locked_out", False)
        form.add_error(
            "code", _PAUSED if paused else "This code does not work. It may be used up or too old."
        )
    return render(request, "me/start.html", {"form": form})


@person_entry
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time sign-in link by email. The answer is the same whether or not the address is known."""
    form = EmailLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_sign_in_link(email=form.cleaned_data["email"])
        return render(request, "me/link_sent.html", {"minutes": services.link_minutes()})
    return render(request, "me/sign_in.html", {"form": form})


@person_entry
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    """Open an emailed sign-in link: the person presses one button to sign in."""
    if "sesame" in request.GET:
        request.session[_LINK] = request.GET["sesame"][:200]
        return redirect("me-link")
    if request.method == "POST":
        token = request.session.pop(_LINK, "")
        if token and _sign_in(request, username=LINK_LABEL, sign_in_token=token):
            return redirect("me-home")
        paused = getattr(request, "axes_locked_out", False)
        messages.error(
            request, _PAUSED if paused else "This link does not work. It may be used up or too old."
        )
        return redirect("me-sign-in")
    return render(request, "me/link.html", {"has_link": bool(request.session.get(_LINK))})


@person_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("me-signed-out")


@person_entry
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "me/signed_out.html")


@person_page
def home(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    context = {
        "person": person,
        "goals": own_record.own_goals(person),
        "meetings": own_record.own_group_meetings(person),
        "sessions": own_record.own_sessions(person),
        "supporters": own_record.own_supporters(person),
    }
    context |= how_i_am_doing(person)
    return render(request, "me/home.html", context)


@person_page
def session(request: HttpRequest, pk: int) -> HttpResponse:
    found = own_record.get_own_session(request.user, pk)
    own, flags = voices_on(found.pk)
    # Their own words are theirs to read, even on a day held back; a flag's thread may quote the note, so not then.
    context = {"session": found, "own": own, "flags": [] if found.held_back else flags}
    return render(request, "me/session.html", context)


@person_page
def seen(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    return render(request, "me/seen.html", {"looks": own_record.who_has_seen(request.user, person)})


@person_page
def consents(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    return render(request, "me/consents.html", {"consents": own_record.own_consents(person)})


@person_page
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent's receipt in plain words; withdrawing it is one button (the same service staff use)."""
    found = own_record.get_own_consent(request.user, pk)
    if request.method == "POST":
        try:
            consent_services.withdraw_consent(consent=found, withdrawn_by=request.user)
        except consent_services.ConsentError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Done. We will not share this any more. We have told the person who helps you."
            )
        return redirect("me-consents")
    return render(request, "me/consent.html", {"consent": found})


@person_page
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest) -> HttpResponse:
    """Ask for a copy of my record: one button, a subject access request in the data protection lead's queue,
    due one calendar month later (the same service staff use)."""
    person = own_record.own_person(request.user)
    if request.method == "POST":
        asked = subject_access.record_subject_access_request(
            person=person,
            recorded_by=request.user,
            identity_check=SubjectAccessRequest.IdentityCheck.SIGNED_IN,
        )
        messages.success(request, f"Done. We will send you a copy by {asked.due_on:%-d %B %Y}.")
        return redirect("me-copy")
    return render(request, "me/copy.html", {"requests": own_record.own_copy_requests(person)})


@person_page
@require_http_methods(["GET", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    access = own_record.own_access(request.user)
    if request.method == "POST":
        services.turn_off_online_access(access=access, by=request.user)
        logout(request)
        return render(request, "me/turned_off.html")
    return render(request, "me/turn_off.html")
