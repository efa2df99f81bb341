"""Pages for supervision: the team dashboard, a supervisee's sessions, reviews, feedback and supervision records."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime import access as core
from sessions import access, services
from sessions.forms import ReviewForm, SupervisionRecordForm
from sessions.supervision import next_awaiting_review, team_dashboard


def dashboard(request: HttpRequest) -> HttpResponse:
    core.require(request.user, core.is_supervisor(request.user), page="team dashboard")
    # The table names the supervisor's team (staff) and counts; the open flags on notes name the people flagged,
    # so the dashboard's one audit row names them.
    context = {"note_flags": access.dashboard_note_flags(request.user), "rows": team_dashboard(request.user)}
    return render(request, "supervision/dashboard.html", context)


def supervisee_sessions(request: HttpRequest, user_id: int) -> HttpResponse:
    practitioner = access.get_supervisee_for(request.user, user_id)
    found, page = access.supervisee_sessions_page(request, practitioner)
    return render(
        request, "supervision/sessions.html", {"practitioner": practitioner, "filter": found, "page": page}
    )


@require_POST
def session_review(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_to_review(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("comment", ["Please check the feedback."])))
        return redirect("session-detail", pk=session.pk)
    services.review_session(session=session, reviewer=request.user, comment=form.cleaned_data["comment"])
    messages.success(
        request,
        "Session marked as reviewed." + (" Your feedback was sent." if form.cleaned_data["comment"] else ""),
    )
    following = next_awaiting_review(request.user, session) if request.POST.get("then") == "next" else None
    return redirect("session-detail", pk=following.pk if following else session.pk)


def feedback(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/feedback.html", {"page": access.feedback_page(request)})


def supervision_records(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/records.html", {"page": access.supervision_records_page(request)})


def supervision_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_supervision_record_for(request.user, pk)
    return render(
        request,
        "supervision/record_detail.html",
        {"record": record, "people": access.people_discussed(request.user, record)},
    )


@require_http_methods(["GET", "POST"])
def supervision_record_create(request: HttpRequest, user_id: int) -> HttpResponse:
    practitioner = access.get_supervisee_for(request.user, user_id)
    caseload = access.caseload_choices_for(request.user, practitioner)
    form = SupervisionRecordForm(request.POST or None, caseload=caseload)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_supervision(
                supervisor=request.user, practitioner=practitioner, **form.cleaned_data
            )
        except services.SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Supervision with {practitioner} recorded.")
            return redirect("supervision-record", pk=record.pk)
    return render(request, "supervision/record_form.html", {"form": form, "practitioner": practitioner})
