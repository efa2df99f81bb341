from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ethics import access
from ethics.forms.rights import ErasureDecisionForm
from ethics.services import holds, rights
from ethics.services.record_access import describe_record_access
from ethics.services.subject_access import may_handle


def rights_home(request: HttpRequest) -> HttpResponse:
    access_requests, erasures = access.open_rights_requests(request.user)
    context = {
        "access_requests": access_requests,
        "erasures": erasures,
        "handles_access": may_handle(request.user),
    }
    return render(request, "ethics/rights_home.html", context)


def rights_person(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_admin(request.user, person_pk)
    context = {
        "person": person,
        "holds": rights.holds_on(person),
        "kept": holds.kept_under_holds(person),
        "access_requests": person.access_requests.order_by("-received_on", "-pk"),
        "handles_access": may_handle(request.user),
        "erasures": person.erasure_requests.select_related("decided_by", "approved_by"),
    }
    return render(request, "ethics/rights_person.html", context)


@require_POST
def erasure_request_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_admin(request.user, person_pk)
    erasure = rights.record_erasure_request(person=person, recorded_by=request.user)
    messages.success(request, "Erasure request recorded. Decide it next.")
    return redirect("erasure-request", pk=erasure.pk)


@require_http_methods(["GET", "POST"])
def erasure_request(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = access.get_erasure_request_for(request.user, pk)
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rights.decide_erasure(
                request=erasure,
                decided_by=request.user,
                agree=form.cleaned_data["decision"] == "agree",
                exception=form.cleaned_data["exception"],
                notes=form.cleaned_data["notes"],
            )
        except rights.RightsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("erasure-request", pk=erasure.pk)
    context = {
        "erasure": erasure,
        "form": form,
        "holds": rights.holds_on(erasure.person),
        "kept": holds.kept_under_holds(erasure.person),
        "can_approve": erasure.decision == "approved" and erasure.decided_by_id != request.user.pk,
    }
    return render(request, "ethics/erasure_request.html", context)


@require_POST
def erasure_approve(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = access.get_erasure_request_for(request.user, pk)
    try:
        kept = rights.approve_erasure(request=erasure, approved_by=request.user)
    except rights.RightsError as error:
        messages.error(request, str(error))
    else:
        held = f" Kept under a safeguarding hold: {'; '.join(map(str, kept))}." if kept else ""
        messages.success(
            request,
            f"The erasure has been carried out. The audit trail keeps only content-free events.{held}",
        )
    return redirect("erasure-request", pk=erasure.pk)


def person_audit(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_admin(request.user, person_pk)
    events = Paginator(access.read_audit_about(request.user, person), 50).get_page(request.GET.get("page"))
    lines = describe_record_access(events.object_list)
    return render(request, "ethics/person_audit.html", {"person": person, "events": events, "lines": lines})
