"""Sharing information under consent, and the printable pack of what was shared."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ethics import access
from ethics.forms.consent import ShareForm
from ethics.models import Consent, ContentKind
from ethics.services import emergency, sharing
from sessions.models import SupportSession


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_consent_person_for(request.user, pk, write=True)
    readable = access.can_read_sessions(request.user, person)
    sessions = (
        SupportSession.objects.filter(person=person).order_by("-occurred_at", "-pk") if readable else None
    )
    prefill = access.share_prefill(request.user, person, request.GET.get("consent", ""))
    recipients = Consent.objects.recipients_named(person)
    form = ShareForm(request.POST or None, sessions=sessions, recipients=recipients, initial=prefill)
    if request.method == "POST" and form.is_valid():
        what = {
            "person": person,
            "purpose": form.cleaned_data["purpose"],
            "recipient": form.cleaned_data["recipient"],
            "content_kinds": form.cleaned_data["content_kinds"],
            "sessions": list(form.cleaned_data.get("sessions") or []),
            "shared_by": request.user,
        }
        try:
            if form.cleaned_data["risk_of_harm"]:
                disclosure = emergency.share_under_risk_of_harm(
                    **what, reason=form.cleaned_data["risk"], justification=form.cleaned_data["justification"]
                )
            else:
                disclosure = sharing.share_information(**what)
        except (sharing.SharingError, emergency.EmergencyError) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Shared with {disclosure.recipient}. Print or save the pack below.")
            return redirect("disclosure-pack", pk=disclosure.pk)
    context = {"form": form, "person": person}
    return render(request, "ethics/share_form.html", context)


def disclosure_pack(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = access.get_disclosure_for(request.user, pk)
    pack = disclosure.content
    summaries = pack.get(ContentKind.SESSION_SUMMARIES)
    # Session notes are need-to-know: admins see that summaries were shared, not what they said.
    may_read_notes = access.can_read_sessions(request.user, disclosure.person)
    context = {
        "disclosure": disclosure,
        "person": disclosure.person,
        "pack_person": pack.get("person", {}),
        "contact": pack.get(ContentKind.CONTACT_DETAILS),
        "goals_and_strengths": pack.get(ContentKind.GOALS_AND_STRENGTHS),
        "summaries": summaries if may_read_notes else None,
        "summaries_withheld": summaries is not None and not may_read_notes,
    }
    return render(request, "ethics/disclosure_pack.html", context)
