"""Subject access requests: an admin records one; the data protection lead gathers, releases and closes the pack."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from chime.models import User
from ethics import access
from ethics.forms.rights import PackReleaseForm, ReopenForm, SubjectAccessRequestForm
from ethics.models import SubjectAccessRequest
from ethics.services import subject_access as services


def access_requests(request: HttpRequest) -> HttpResponse:
    open_requests, closed_requests = access.access_requests_for(request.user)
    context = {
        "open_requests": open_requests,
        "closed_requests": closed_requests,
        "today": timezone.localdate(),
    }
    return render(request, "ethics/access_requests.html", context)


@require_http_methods(["GET", "POST"])
def access_request_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_admin(request.user, person_pk)
    initial = {"received_on": timezone.localdate(), "requester": SubjectAccessRequest.Requester.PERSON}
    form = SubjectAccessRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.record_subject_access_request(
                person=person, recorded_by=request.user, **form.cleaned_data
            )
        except services.SubjectAccessError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Subject access request recorded. It is due by {date_format(sar.due_on)}. "
                "The data protection lead has been told.",
            )
            return redirect("rights-person", person_pk=person.pk)
    return render(request, "ethics/access_request_form.html", {"person": person, "form": form})


def _detail(request: HttpRequest, sar: SubjectAccessRequest, **forms: object) -> HttpResponse:
    context = {
        "sar": sar,
        "packs": list(sar.packs.select_related("gathered_by", "released_by")),
        "reopenings": list(sar.reopenings.select_related("reopened_by")),
        "release_form": forms.get("release_form") or PackReleaseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "overdue": sar.is_overdue(),
    }
    return render(request, "ethics/access_request.html", context)


def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_access_request_for(request.user, pk))


STEPS = {"gather", "release", "close", "reopen"}


@require_POST
def access_request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step.")
    sar = access.get_access_request_for(request.user, pk)
    forms = {"release": PackReleaseForm, "reopen": ReopenForm}
    form = forms[step](request.POST) if step in forms else None
    if form is not None and not form.is_valid():
        return _detail(request, sar, **{f"{step}_form": form})
    try:
        done = _take_step(step, sar, request.user, form.cleaned_data if form else {})
    except services.SubjectAccessError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("access-request", pk=sar.pk)


def _take_step(step: str, sar: SubjectAccessRequest, user: User, data: dict[str, str]) -> str:
    if step == "gather":
        services.gather_pack(request=sar, gathered_by=user)
        return "The pack has been gathered. Check it, then release it."
    if step == "release":
        services.release_pack(request=sar, released_by=user, how=data["how"])
        return "The pack is recorded as released."
    if step == "close":
        services.close_request(request=sar, closed_by=user)
        return "The request is closed."
    services.reopen_request(request=sar, reopened_by=user, reason=data["reason"])
    return "The request is open again. Gather a new pack: the earlier one is kept."


def access_pack(request: HttpRequest, pk: int) -> HttpResponse:
    pack = access.get_access_pack_for(request.user, pk)
    return render(
        request, "ethics/access_pack.html", {"pack": pack, "sar": pack.request, "data": pack.data()}
    )


def access_pack_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = access.get_access_pack_for(request.user, pk, download=True)
    response = HttpResponse(pack.contents, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{pack.request_id}-{pack.pk}.json"'
    )
    return response
