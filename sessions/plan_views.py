"""Pages for a person's recovery plan, as the practitioner builds it with them. Every lookup goes through
sessions.access; every write is one service in sessions.services (the same ones the person's own view uses)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sessions import access, services
from sessions.forms import GoalForm, PlanReviewForm, ReviewDateForm, StepForm
from sessions.plans import plan_of


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk)
    plan = plan_of(person)
    context = {
        "person": person,
        "plan": plan,
        "can_write": access.can_write_person(request.user, person),
        "review_date_form": ReviewDateForm(initial={"review_on": plan.review_on if plan else None}),
    }
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    form = GoalForm(request.POST or None, first_step=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.add_goal(
            person=person,
            actor=request.user,
            in_their_words=d["in_their_words"],
            areas=d["areas"],
            steps=form.first_steps(),
        )
        messages.success(request, "Goal added to the plan.")
        return redirect("plan-detail", pk=person.pk)
    return render(request, "plans/goal_form.html", {"form": form, "person": person, "goal": None})


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for(request.user, pk, write=True)
    person = goal.plan.person
    form = GoalForm.for_goal(goal, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changed = services.change_goal(
            goal=goal,
            actor=request.user,
            in_their_words=d["in_their_words"],
            areas=d["areas"],
            achieved_on=d["achieved_on"],
        )
        messages.success(request, "Goal saved." if changed else "Nothing changed.")
        return redirect("plan-detail", pk=person.pk)
    return render(request, "plans/goal_form.html", {"form": form, "person": person, "goal": goal})


@require_http_methods(["GET", "POST"])
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.get_goal_for(request.user, pk, write=True)
    form = StepForm(request.POST or None)
    del form.fields["done_on"]
    if request.method == "POST" and form.is_valid():
        services.add_step(goal=goal, actor=request.user, step=_new_step(form))
        messages.success(request, "Step added.")
        return redirect("plan-detail", pk=goal.plan.person_id)
    context = {"form": form, "person": goal.plan.person, "goal": goal, "step": None}
    return render(request, "plans/step_form.html", context)


def _new_step(form: StepForm) -> services.StepDetails:
    d = form.cleaned_data
    return services.StepDetails(what=d["what"], who=d["who"], who_else=d["who_else"], by_when=d["by_when"])


@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = access.get_step_for(request.user, pk, write=True)
    form = StepForm.for_step(step, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = services.change_step(step=step, actor=request.user, details=form.step())
        messages.success(request, "Step saved." if changed else "Nothing changed.")
        return redirect("plan-detail", pk=step.goal.plan.person_id)
    context = {"form": form, "person": step.goal.plan.person, "goal": step.goal, "step": step}
    return render(request, "plans/step_form.html", context)


@require_POST
def review_date(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    form = ReviewDateForm(request.POST)
    if form.is_valid():
        services.set_review_date(person=person, actor=request.user, review_on=form.cleaned_data["review_on"])
        messages.success(request, "Review date saved.")
    else:
        messages.error(request, " ".join(form.errors["review_on"]))
    return redirect("plan-detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    form = PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.review_plan(
            person=person,
            actor=request.user,
            what_changed=d["what_changed"],
            what_next=d["what_next"],
            next_review_on=d["next_review_on"],
        )
        messages.success(request, "Review saved.")
        return redirect("plan-detail", pk=person.pk)
    return render(request, "plans/plan_review.html", {"form": form, "person": person})
