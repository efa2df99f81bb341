"""The person's own view: checking in on the CHIME areas whenever they like, filling in a questionnaire alone when
one is due (or saying "not now", which is kept and respected), and seeing how things have gone over time.

Every write is the same service staff use (sessions.services), with the person as the actor.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chime.accounts.person_sessions import person_page
from ethics import own_record
from ethics.forms.my_checkins import CheckInForm, OwnMeasureForm
from sessions import charts, services
from sessions.checkins import check_in_months
from sessions.measures import scores_over_time
from sessions.models import Person, View


def how_i_am_doing(person: Person) -> dict[str, object]:
    """What the home page shows of their check-ins, their ratings in sessions and their questionnaire scores,
    each chart with its table (six queries)."""
    check_ins = check_in_months(person)
    in_sessions = own_record.own_session_rating_months(person)
    return {
        "due_now": own_record.due_now(person),
        "check_ins": check_ins,
        "check_ins_chart": charts.check_ins_chart(check_ins, own_view=True),
        "session_ratings": in_sessions,
        "session_ratings_chart": charts.session_ratings_for_the_person(in_sessions),
        "scores": [
            (measure, points, charts.measure_chart(measure, points, title=f"My {measure.short_name} scores"))
            for measure, points in scores_over_time(person).items()
        ],
    }


@person_page
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.record_check_in(person=person, actor=request.user, ratings=form.ratings())
        messages.success(request, "Thank you. Your check-in is saved. The person who helps you can see it.")
        return redirect("me-home")
    return render(request, "me/checkin.html", {"form": form})


@person_page
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """A questionnaire that is due now: fill it in alone, or "not now" (kept, and not asked again this time)."""
    person = own_record.own_person(request.user)
    due = own_record.own_due(person, pk)
    if due is None:
        messages.info(request, "There is nothing to fill in now. Thank you.")
        return redirect("me-home")
    common = {"person": person, "measure": due.measure, "actor": request.user, "occasion": due.occasion}
    if request.method == "POST" and "not_now" in request.POST:
        services.record_declined(**common, taken_on=timezone.localdate())
        messages.info(request, "That is fine. We will not ask you about this one again this time.")
        return redirect("me-home")
    form = OwnMeasureForm(request.POST if request.method == "POST" else None, measure=due.measure)
    if request.method == "POST" and form.is_valid():
        services.record_measure(
            **common, taken_on=timezone.localdate(), answers=form.answers(), view=View.OWN
        )
        messages.success(request, "Thank you. Your answers are saved. The person who helps you can see them.")
        return redirect("me-home")
    return render(request, "me/checkin_questionnaire.html", {"form": form, "due": due})
