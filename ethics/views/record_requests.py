"""Asking for something in one's record to be corrected or deleted (the person's own view), and the data protection
lead's queue of those requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chime.accounts.person_sessions import person_page
from ethics import access, own_record
from ethics.forms.record_requests import CorrectionForm, DeletionForm, OutcomeForm
from ethics.models import RecordChangeRequest
from ethics.services import record_requests as services

_ASKS = {
    "correction": (CorrectionForm, services.ask_for_correction, "me/correct.html", "me-correct"),
    "deletion": (DeletionForm, services.ask_for_deletion, "me/delete.html", "me-delete"),
}


def _ask(request: HttpRequest, kind: str) -> HttpResponse:
    form_class, ask, template, here = _ASKS[kind]
    person = own_record.own_person(request.user)
    form = form_class(request.POST or None, sessions=own_record.own_sessions_to_choose(person))
    if request.method == "POST" and form.is_valid():
        try:
            asked = ask(person=person, asked_by=request.user, **form.cleaned_data)
        except services.RecordRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Done. We will answer you by {asked.due_on:%-d %B %Y}.")
            return redirect(here)
    context = {"form": form, "requests": own_record.own_change_requests(person)}
    return render(request, template, context)


@person_page
@require_http_methods(["GET", "POST"])
def ask_correction(request: HttpRequest) -> HttpResponse:
    """Ask for something to be corrected: what is wrong, what it should say, and (if they like) which session."""
    return _ask(request, "correction")


@person_page
@require_http_methods(["GET", "POST"])
def ask_deletion(request: HttpRequest) -> HttpResponse:
    """Ask for something to be deleted: what, and (if they like) why."""
    return _ask(request, "deletion")


# ---- The data protection lead ----------------------------------------------------------------------------------


@require_GET
def change_requests(request: HttpRequest) -> HttpResponse:
    open_requests, answered = access.change_requests_for(request.user)
    context = {"open_requests": open_requests, "answered": answered, "today": timezone.localdate()}
    return render(request, "ethics/change_requests.html", context)


def _detail(
    request: HttpRequest, found: RecordChangeRequest, form: OutcomeForm | None = None
) -> HttpResponse:
    context = {"change": found, "form": form or OutcomeForm(), "overdue": found.is_overdue()}
    return render(request, "ethics/change_request.html", context)


@require_http_methods(["GET", "POST"])
def change_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what the person asked, and the lead's answer (done, partly, or refused with the reason)."""
    found = access.get_change_request_for(request.user, pk)
    if request.method != "POST":
        return _detail(request, found)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, form)
    try:
        services.record_outcome(
            request=found,
            decided_by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except services.RecordRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The answer is recorded. The person can read it on their own page.")
    return redirect("change-request", pk=found.pk)


@require_POST
def change_request_erasure(request: HttpRequest, pk: int) -> HttpResponse:
    """A deletion request leads into the erasure flow: an erasure request, decided and approved there."""
    found = access.get_change_request_for(request.user, pk)
    try:
        services.start_erasure(request=found, started_by=request.user)
    except services.RecordRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "An erasure request is recorded. An admin decides it, and a second admin must approve it.",
        )
    return redirect("change-request", pk=found.pk)
