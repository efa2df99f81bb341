"""The person's own view of their recovery plan: they add goals in their own words, change them, add steps and
mark steps done. Every write is the same plan service the practitioner uses (sessions.services), with the person
as the actor, so it is audited as theirs and the practitioner's plan page shows what they changed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chime.accounts.person_sessions import person_page
from ethics import own_record
from ethics.forms.my_plan import MyGoalForm, MyStepForm
from sessions import services
from sessions.models import GoalStep


@person_page
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    return render(request, "me/plan.html", {"goals": own_record.own_goals(person)})


@person_page
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest) -> HttpResponse:
    person = own_record.own_person(request.user)
    form = MyGoalForm(request.POST if request.method == "POST" else None)
    del form.fields["done"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.add_goal(
            person=person, actor=request.user, in_their_words=d["in_their_words"], areas=d["areas"]
        )
        messages.success(request, "Your goal is saved.")
        return redirect("me-plan")
    return render(request, "me/plan_goal.html", {"form": form, "goal": None})


@person_page
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = own_record.get_own_goal(request.user, pk)
    form = MyGoalForm.for_goal(goal, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changed = services.change_goal(
            goal=goal,
            actor=request.user,
            in_their_words=d["in_their_words"],
            areas=d["areas"],
            achieved_on=form.achieved_on(goal),
        )
        messages.success(request, "Your goal is saved." if changed else "Nothing was changed.")
        return redirect("me-plan")
    return render(request, "me/plan_goal.html", {"form": form, "goal": goal})


@person_page
@require_http_methods(["GET", "POST"])
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = own_record.get_own_goal(request.user, pk)
    form = MyStepForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        step = services.StepDetails(what=d["what"], who=GoalStep.Who.PERSON, by_when=d["by_when"])
        services.add_step(goal=goal, actor=request.user, step=step)
        messages.success(request, "Your step is saved.")
        return redirect("me-plan")
    return render(request, "me/plan_step.html", {"form": form, "goal": goal})


@person_page
@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a step done (today) or, with done=no, not done after all. Who does it and when are kept as they are."""
    step = own_record.get_own_step(request.user, pk)
    done_on = None if request.POST.get("done") == "no" else (step.done_on or timezone.localdate())
    details = services.StepDetails(
        what=step.what, who=step.who, who_else=step.who_else, by_when=step.by_when, done_on=done_on
    )
    services.change_step(step=step, actor=request.user, details=details)
    messages.success(
        request, "Well done. The step is marked as done." if done_on else "The step is marked as not done."
    )
    return redirect("me-plan")
