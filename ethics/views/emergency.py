from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ethics import access
from ethics.forms.emergency import EmergencyAccessForm, EmergencyReviewForm, EmergencySearchForm
from ethics.services import emergency


def emergency_search(request: HttpRequest) -> HttpResponse:
    access.require_declarer(request.user)
    form = EmergencySearchForm(request.POST or None)  # posted: a name never goes in the URL or the logs
    people = (
        access.find_people_for_emergency(request.user, form.cleaned_data["name"]) if form.is_valid() else None
    )
    return render(request, "ethics/emergency_search.html", {"form": form, "people": people})


@require_http_methods(["GET", "POST"])
def emergency_declare(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_emergency(request.user, person_pk)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = emergency.declare_emergency_access(user=request.user, person=person, **form.cleaned_data)
        except emergency.EmergencyError as error:
            form.add_error(None, str(error))
        else:
            messages.warning(
                request,
                f"Emergency access to {person} is open until {grant.expires_at:%H:%M}. It will be reviewed.",
            )
            return redirect("person-detail", pk=person.pk)
    return render(request, "ethics/emergency_declare.html", {"form": form, "person": person})


def emergency_reviews(request: HttpRequest) -> HttpResponse:
    awaiting, done = access.emergency_review_queue(request.user)
    return render(request, "ethics/emergency_reviews.html", {"awaiting": awaiting, "done": done})


@require_http_methods(["GET", "POST"])
def emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_emergency_for_review(request.user, pk, write=request.method == "POST")
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emergency.review_emergency_access(grant=grant, reviewer=request.user, **form.cleaned_data)
        except emergency.EmergencyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Review saved.")
            return redirect("emergency-reviews")
    can_review = grant.user_id != request.user.pk and grant.reviewed_at is None
    return render(
        request, "ethics/emergency_review.html", {"grant": grant, "form": form, "can_review": can_review}
    )
