"""Safeguarding pages: raise a concern, the queue, the concerns you raised, a concern and its chronology.

Every concern is fetched through ethics.access; every write is one call to ethics.services.safeguarding.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ethics import access
from ethics.forms import safeguarding as sg_forms
from ethics.models import Concern, CrisisService
from ethics.services import safeguarding as services
from sessions import access as sessions_access

# Each step a responder can take: its form, and how to call its service with the form's data.
STEP_FORMS: dict[str, type[forms.Form]] = {
    "acknowledge": sg_forms.AcknowledgeForm,
    "plan": sg_forms.PlanForm,
    "refer": sg_forms.ReferralForm,
    "nfa": sg_forms.NoFurtherActionForm,
    "close": sg_forms.CloseForm,
    "review": sg_forms.ReviewDateForm,
}
STEP_SERVICES = {
    "acknowledge": services.acknowledge_concern,
    "plan": services.plan_action,
    "refer": services.record_referral,
    "nfa": services.decide_no_further_action,
    "close": services.close_concern,
    "review": services.change_referral_review,
}
STEP_BUTTONS = {
    "acknowledge": "Acknowledge",
    "plan": "Record the action plan",
    "refer": "Record a referral",
    "nfa": "No further action",
    "close": "Close and sign off",
    "review": "Change the review date",
}
STEP_DONE = {
    "acknowledge": "Concern acknowledged.",
    "plan": "Action plan recorded.",
    "refer": "Referral recorded.",
    "nfa": "Decision recorded: no further action.",
    "close": "Concern closed and signed off.",
    "review": "Referral review date changed.",
}


@require_http_methods(["GET", "POST"])
def concern_raise(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = sessions_access.get_person_for(request.user, person_pk)
    session_id = request.GET.get("session", "")
    session = sessions_access.get_session_for(request.user, int(session_id)) if session_id.isdigit() else None
    if session is not None and session.person_id != person.pk:
        raise Http404("No such session for this person.")
    form = sg_forms.RaiseConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = services.raise_concern(
            person=person, raised_by=request.user, details=form.details(), session=session
        )
        messages.success(request, "Concern raised. The people who respond to it have been told.")
        return redirect("concern-detail", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_form.html",
        {"form": form, "person": person, "session": session, "crisis_services": _crisis_services()},
    )


def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.get_concern_for(request.user, pk)
    return render(request, "safeguarding/concern_detail.html", _detail_context(request, concern))


@require_http_methods(["GET", "POST"])
def concern_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        raise Http404("No such step.")
    concern = access.get_concern_for(request.user, pk, respond=True)
    if request.method == "GET":  # the forms live on the concern's page
        return redirect("concern-detail", pk=concern.pk)
    form = STEP_FORMS[step](request.POST)
    if form.is_valid():
        try:
            STEP_SERVICES[step](concern=concern, by=request.user, **form.cleaned_data)
        except services.ConcernError as error:
            messages.error(request, str(error))  # e.g. someone else took a step first: show where it is now
        else:
            messages.success(request, STEP_DONE[step])
        return redirect("concern-detail", pk=concern.pk)
    context = _detail_context(request, concern, bound={step: form})
    return render(request, "safeguarding/concern_detail.html", context)


@require_http_methods(["GET", "POST"])
def concern_note(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.get_concern_for(request.user, pk)
    if request.method == "GET":
        return redirect("concern-detail", pk=concern.pk)
    form = sg_forms.ChronologyNoteForm(request.POST)
    if form.is_valid():
        services.add_to_chronology(
            concern=concern,
            by=request.user,
            note=form.cleaned_data["note"],
            correction=form.cleaned_data["correction"],
        )
        messages.success(request, "Added to the chronology.")
        return redirect("concern-detail", pk=concern.pk)
    context = _detail_context(request, concern, note_form=form)
    return render(request, "safeguarding/concern_detail.html", context)


def _detail_context(
    request: HttpRequest,
    concern: Concern,
    *,
    bound: dict[str, forms.Form] | None = None,
    note_form: forms.Form | None = None,
) -> dict[str, object]:
    bound = bound or {}
    responder = access.can_respond(request.user, concern)
    steps = services.allowed_steps(concern) if responder else []
    if "close" in steps and not access.can_sign_off(request.user, concern):
        steps.remove("close")
    return {
        "concern": concern,
        "person": concern.person,
        "events": concern.events.select_related("by"),
        "referrals": concern.referrals.select_related("recorded_by"),
        "closure": getattr(concern, "closure", None) if concern.state == Concern.State.CLOSED else None,
        "steps": [
            (name, bound.get(name) or _blank_form(name, concern), STEP_BUTTONS[name]) for name in steps
        ],
        "waiting_for_sign_off": responder
        and concern.state in services.CLOSE.from_states
        and "close" not in steps,
        "note_form": note_form or sg_forms.ChronologyNoteForm(),
        "crisis_services": _crisis_services()
        if concern.urgency.shows_crisis_routes and concern.is_open
        else None,
    }


def _blank_form(step: str, concern: Concern) -> forms.Form:
    if step == "review":
        return STEP_FORMS[step](initial={"review_on": concern.referral_review_on})
    return STEP_FORMS[step]()


def _crisis_services() -> list[CrisisService]:
    return list(CrisisService.objects.filter(is_active=True))


def queue(request: HttpRequest) -> HttpResponse:
    """Supervisors, safeguarding leads (and admins, for escalations): open concerns, overdue first."""
    concerns = access.safeguarding_queue_for(request.user)
    empty = access.empty_queue_message(request.user) if not concerns else ""
    return render(
        request,
        "safeguarding/queue.html",
        {"concerns": concerns, "empty": empty, "can_find": access.may_find_concerns(request.user)},
    )


@require_http_methods(["GET", "POST"])
def find_concerns(request: HttpRequest) -> HttpResponse:
    """Leads: find concerns, closed ones first offered. Posted, so a searched name never goes in the URL."""
    found, concerns = access.find_concerns_for(
        request.user, request.POST if request.method == "POST" else None
    )
    return render(
        request,
        "safeguarding/find.html",
        {"filter": found, "concerns": concerns, "limit": access.SEARCH_LIMIT},
    )


def raised(request: HttpRequest) -> HttpResponse:
    """The concerns this member of staff raised, and where each one has got to."""
    return render(request, "safeguarding/raised.html", {"concerns": access.concerns_raised_by(request.user)})


def crisis_routes(request: HttpRequest) -> HttpResponse:
    return render(request, "safeguarding/crisis.html", {"crisis_services": _crisis_services()})
