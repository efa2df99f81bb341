"""Pages for supervision: the team dashboard, a supervisee's sessions, reviews, feedback and supervision records."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chime import audit
from chime.models import AuditEvent
from sessions import access, services
from sessions.filters import SessionQueueFilter, paginate
from sessions.forms import ReviewForm, SupervisionRecordForm
from sessions.models import Person, SessionReview, SupervisionRecord, SupportSession
from sessions.supervision import team_dashboard


def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_supervisor:
        raise Http404("Only supervisors have a team.")
    audit.record(AuditEvent.Action.VIEW, object_type="team dashboard", object_id=request.user.pk)
    return render(request, "supervision/dashboard.html", {"rows": team_dashboard(request.user)})


def supervisee_sessions(request: HttpRequest, user_id: int) -> HttpResponse:
    practitioner = access.get_supervisee_for(request.user, user_id)
    audit.record(AuditEvent.Action.VIEW, object_type="session list", object_id=practitioner.pk)
    sessions = (
        SupportSession.objects.visible_to(request.user).filter(practitioner=practitioner).for_review_queue()
    )
    found = SessionQueueFilter(request.GET, queryset=sessions)
    return render(
        request,
        "supervision/sessions.html",
        {"practitioner": practitioner, "filter": found, "page": paginate(request, found.qs)},
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
    return redirect("session-detail", pk=session.pk)


def feedback(request: HttpRequest) -> HttpResponse:
    if not request.user.is_practitioner:
        raise Http404("Only practitioners get feedback on sessions.")
    reviews = SessionReview.objects.for_feedback_page(request.user)
    return render(request, "supervision/feedback.html", {"page": paginate(request, reviews)})


def supervision_records(request: HttpRequest) -> HttpResponse:
    records = SupervisionRecord.objects.visible_to(request.user).for_list()
    return render(request, "supervision/records.html", {"page": paginate(request, records)})


def supervision_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_supervision_record_for(request.user, pk)
    return render(
        request,
        "supervision/record_detail.html",
        {"record": record, "people": record.people_discussed.order_by("preferred_name", "pk")},
    )


@require_http_methods(["GET", "POST"])
def supervision_record_create(request: HttpRequest, user_id: int) -> HttpResponse:
    practitioner = access.get_supervisee_for(request.user, user_id)
    caseload = Person.objects.filter(practitioner=practitioner, support_ended__isnull=True).order_by(
        "preferred_name", "pk"
    )
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
