"""Pages for people and their support sessions. Every lookup goes through sessions.access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chime import access as core
from chime import health
from chime.models import FormDraft, User
from sessions import access, charts, checkins, hooks, services
from sessions.filters import paginate
from sessions.forms import MovePersonForm, PersonForm, ReviewForm, SessionForm, kept_services
from sessions.history import session_history
from sessions.insights import person_months
from sessions.measures import due_for, responses_of, scores_over_time
from sessions.models import CaseloadAssignment, RecoveryGoal, RecoveryPlan, SessionReview, SupportSession
from sessions.own_words import may_answer, voices_on
from sessions.plans import plan_of
from sessions.supervision import next_awaiting_review

TIMELINE_PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if core.is_safeguarding_lead(user) and not core.is_practitioner(user) and not core.is_supervisor(user):
        return redirect("safeguarding-queue")  # a lead's work is their queue
    context: dict[str, object] = {
        "caseload": None,
        "team": None,
        # The author's own unfinished forms (chime.drafts): only ever theirs, so nothing to audit.
        "unfinished": list(FormDraft.objects.visible_to(user).for_home()),
        "draft_days": settings.CHIME_DRAFT_DAYS,
    }
    if core.is_practitioner(user):
        found, caseload = access.caseload_page(request)
        if caseload is None:
            return redirect(found.address_without_name(request.path))
        context |= {
            "filter": found,
            "caseload": caseload,
            "new_feedback": SessionReview.objects.new_feedback_for(user).count(),
            "plan_reviews_due": RecoveryPlan.objects.filter(person__practitioner=user).review_due().count(),
        }
    if core.is_supervisor(user):
        context["team"] = User.objects.supervised_by(user).order_by("first_name")
    if core.is_admin(user):
        context["health"] = health.report()
    return render(request, "sessions/home.html", context)


@require_http_methods(["GET", "POST"])
def supervisee_caseload(request: HttpRequest, user_id: int) -> HttpResponse:
    practitioner = access.get_supervisee_for(request.user, user_id)
    found, caseload = access.caseload_page(request, practitioner)
    if caseload is None:
        return redirect(found.address_without_name(request.path))
    return render(
        request,
        "sessions/team_caseload.html",
        {"practitioner": practitioner, "filter": found, "caseload": caseload},
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk)
    sessions = paginate(
        request,
        SupportSession.objects.filter(person=person).for_timeline().with_their_voice(),
        TIMELINE_PAGE_SIZE,
    )
    attendances, group_meetings = access.latest_attendances(person)
    months = person_months(person)
    check_ins = checkins.for_person_page(person, **_latest_session(sessions))
    responses = responses_of(person)
    context = {
        "person": person,
        "plan": plan_of(person, with_reviews=False),
        "due_measures": due_for(person, responses=responses),
        "measure_series": [
            (measure, points, charts.measure_chart(measure, points))
            for measure, points in scores_over_time(person, responses=responses).items()
        ],
        "sessions": sessions,
        "area_months": months.areas,
        "areas_chart": charts.areas_touched_chart(months.areas),
        "ratings_chart": charts.ratings_chart(months.areas),
        "rating_views": months.rating_views,
        "check_ins": check_ins,
        "check_ins_chart": charts.check_ins_chart(check_ins.months),
        "can_write": access.can_write_person(request.user, person),
        "emergency": access.emergency_grant_for(request.user, person),
        "can_move": access.supervises(request.user, person),
        "assignments": CaseloadAssignment.objects.filter(person=person).select_related("practitioner"),
        "open_concerns": hooks.open_concerns_about(request.user, person),
        "attendances": attendances,
        "group_meetings": group_meetings,  # how many they came to in all: the latest few are shown
    }
    return render(request, "sessions/person_detail.html", context)


def person_group_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    """Every group meeting the person came to, newest first: the person page shows the latest few."""
    person = access.get_person_for(request.user, pk)
    context = {"person": person, "attendances": access.group_meetings_page(request, person)}
    return render(request, "sessions/person_group_meetings.html", context)


def _latest_session(sessions) -> dict[str, object]:
    """When the person's latest session was, if the page of the timeline shows it (the first page, newest first:
    `for_timeline`), so the check-ins need not ask; otherwise nothing, and they ask."""
    if sessions.number != 1:
        return {}
    return {"last_session": sessions[0].occurred_at if sessions.paginator.count else None}


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    core.require(
        request.user,
        core.is_practitioner(request.user),
        page="new person",
        forbidden=True,
        message="Only practitioners have a caseload.",
    )
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.add_person(practitioner=request.user, added_by=request.user, **form.details())
        messages.success(request, f"{person} is now on your caseload.")
        return redirect("person-detail", pk=person.pk)
    return render(request, "sessions/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.update_person(person=person, editor=request.user, **form.details())
        messages.success(request, f"{person}'s details are saved.")
        return redirect("person-detail", pk=person.pk)
    return render(request, "sessions/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_to_move(request.user, pk)
    choices = User.objects.supervised_by(request.user).exclude(pk=person.practitioner_id)
    form = MovePersonForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to_practitioner"]
        services.move_person(
            person=person, to_practitioner=to, moved_by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"{person} is now on {to}'s caseload. Their history is kept.")
        return redirect("person-detail", pk=person.pk)
    return render(request, "sessions/person_move.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, person_pk, write=True)
    form = SessionForm(request.POST or None, goals=_goals_offered(person))
    if request.method == "POST" and form.is_valid():
        try:
            session, created = services.record_session(
                person=person,
                practitioner=request.user,
                details=form.details(),
                areas=form.area_entries(),
                submission_key=form.cleaned_data["submission_key"],
                goals=form.goals_worked_on() or [],
                signposted_services=form.signposted_services(),
            )
        except services.SessionError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, f"Session with {person} saved.")
            else:
                messages.info(request, "This session was already saved, so nothing was added twice.")
            return redirect("person-detail", pk=person.pk)
    return render(request, "sessions/session_form.html", {"form": form, "person": person, "session": None})


def _goals_offered(person: object, session: SupportSession | None = None) -> object | None:
    """The goals a session may say it worked on: the person's open goals, and any this session already names.
    None when there are none, so the form shows no empty list."""
    linked = Q(sessions=session) if session is not None else Q(pk__in=[])
    goals = (
        RecoveryGoal.objects.filter(plan__person=person)
        .filter(Q(achieved_on__isnull=True) | linked)
        .distinct()
        .order_by("pk")
    )
    return goals if goals.exists() else None


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    review = getattr(session, "review", None)
    if review is not None and review.seen_at is None and session.practitioner_id == request.user.pk:
        services.mark_feedback_seen(session=session, practitioner=request.user)
    reviewing = access.can_review_session(request.user, session)
    own, flags = voices_on(session.pk)
    context = {
        "own": own,
        "flags": flags,
        "can_answer": may_answer(request.user, session),
        "session": session,
        "person": session.person,
        "areas": session.areas.all(),
        "goals_worked_on": session.goals_worked_on.order_by("pk"),
        "signposted_services": list(session.signposted_services.order_by("kind", "name")),
        "can_edit": access.can_edit_session(request.user, session),
        "held_back": hooks.held_back(session),
        "review": review,
        "review_form": ReviewForm() if reviewing else None,
        "next_to_review": next_awaiting_review(request.user, session) if reviewing else None,
    }
    return render(request, "sessions/session_detail.html", context)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk, write=True)
    goals = _goals_offered(session.person, session)
    if request.method == "POST":
        form = SessionForm(request.POST, goals=goals, kept_services=kept_services(session))
    else:
        form = SessionForm.for_session(session, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.edit_session(
                session=session,
                editor=request.user,
                details=form.details(),
                areas=form.area_entries(),
                goals=form.goals_worked_on(),
                signposted_services=form.signposted_services(),
            )
        except services.SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Changes saved. The earlier version is kept." if changed else "Nothing changed."
            )
            return redirect("session-detail", pk=session.pk)
    return render(
        request, "sessions/session_form.html", {"form": form, "person": session.person, "session": session}
    )


def session_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    return render(
        request,
        "sessions/session_history.html",
        {"session": session, "person": session.person, "edits": session_history(session)},
    )
