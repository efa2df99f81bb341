"""Staff pages for a person's online access: offer it, invite them, turn it off, and hold a session back.

The person is fetched through sessions.access (their practitioner may change this; their supervisor may read it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ethics.forms.online_access import InviteForm, OfferForm, WithholdForm
from ethics.models.online_access import ONLINE_ACCESS_WORDING, OnlineAccess, WithheldSession
from ethics.services import online_access as services
from ethics.services import withholding
from sessions import access


@require_http_methods(["GET", "POST"])
def online_access(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=request.method == "POST")
    current = services.current_access(person)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_online_access(
                person=person, offered_by=request.user, how_given=form.cleaned_data["how_given"]
            )
        except services.OnlineAccessError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Online access is on. Now give them an invitation to sign in.")
            return redirect("online-access", pk=person.pk)
    context = {
        "person": person,
        "current": current,
        "wording": current.wording if current else ONLINE_ACCESS_WORDING,
        "form": form,
        "invite_form": InviteForm(),
        "can_write": access.can_write_person(request.user, person),
        "history": OnlineAccess.objects.filter(person=person).select_related("offered_by", "turned_off_by"),
    }
    return render(request, "ethics/online_access.html", context)


@require_POST
def online_access_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    current = services.current_access(person)
    if current is None:
        messages.error(request, "Online access is off for this person. Record their choice first.")
        return redirect("online-access", pk=person.pk)
    form = InviteForm(request.POST)
    form.is_valid()  # one optional tick box: always valid
    invitation, code = services.invite(
        access=current, by=request.user, email=form.cleaned_data.get("email", False)
    )
    # The code is shown here once, to read out or print, and kept nowhere but as a hash.
    context = {
        "person": person,
        "invitation": invitation,
        "code": services.shown_code(code),
        "url": services.invitation_url(code),
        "start_url": services.start_url(),
        "hours": round((invitation.expires_at - timezone.now()).total_seconds() / 3600),
    }
    return render(request, "ethics/online_invitation.html", context)


@require_POST
def online_access_turn_off(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    current = services.current_access(person)
    if current is not None:
        services.turn_off_online_access(access=current, by=request.user)
        messages.success(request, "Online access is off. Their sign-in no longer works.")
    return redirect("online-access", pk=person.pk)


@require_http_methods(["GET", "POST"])
def session_withhold(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk, write=True)
    current = WithheldSession.objects.current().filter(session=session).first()
    form = WithholdForm(request.POST or None)
    if request.method == "POST" and current is None and form.is_valid():
        withholding.withhold_session(session=session, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "This session’s notes are held back from the person’s own view.")
        return redirect("session-detail", pk=session.pk)
    context = {"session": session, "person": session.person, "current": current, "form": form}
    return render(request, "ethics/session_withhold.html", context)


@require_POST
def session_release(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk, write=True)
    current = WithheldSession.objects.current().filter(session=session).first()
    if current is not None:
        withholding.release_session(held=current, by=request.user)
        messages.success(request, "The person can read this session’s notes again.")
    return redirect("session-detail", pk=session.pk)
