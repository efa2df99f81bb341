"""Completing a recovery measure with the person (or recording that they would rather not, this time)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from sessions import access, services
from sessions.forms import MeasureForm
from sessions.measures import due_for
from sessions.models import Measure, SupportSession


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk, write=True)
    measure = get_object_or_404(
        Measure.objects.filter(is_active=True), pk=measure_pk
    )  # a setting, not personal
    due = next((d for d in due_for(person) if d.measure.pk == measure.pk), None)
    initial = {"occasion": due.occasion if due else "review", "session": request.GET.get("session")}
    sessions = SupportSession.objects.filter(person=person)
    form = MeasureForm(request.POST or None, initial=initial, measure=measure, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {
            "person": person,
            "measure": measure,
            "actor": request.user,
            "occasion": d["occasion"],
            "taken_on": d["taken_on"],
            "session": d["session"],
        }
        if d["declined"]:
            services.record_declined(**common)
            messages.info(request, f"Kept: {person} would rather not do the {measure} this time.")
        else:
            response = services.record_measure(**common, answers=form.answers(), view=d["view"])
            messages.success(
                request, f"{measure} saved: {response.total.normalize():f} out of {measure.highest_total}."
            )
        return redirect("person-detail", pk=person.pk)
    context = {"form": form, "person": person, "measure": measure, "due": due}
    return render(request, "measures/measure_form.html", context)
