from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ethics import access
from ethics.forms.emergency import EmergencyDeclarationForm, EmergencyReviewForm
from ethics.services import emergency


@require_http_methods(["GET", "POST"])
def emergency_search(request: HttpRequest) -> HttpResponse:
    """The declaration comes first; only then are the matches shown (on the next page, named by its id)."""
    access.require_declarer(request.user)
    form = EmergencyDeclarationForm(request.POST or None)  # posted: a name never goes in the URL or the logs
    if request.method == "POST" and form.is_valid():
        try:
            search = emergency.declare_emergency_search(user=request.user, **form.cleaned_data)
        except emergency.EmergencyError as error:
            form.add_error(None, str(error))
        else:
            return redirect("emergency-matches", pk=search.pk)
    return render(request, "ethics/emergency_search.html", {"form": form})


@require_GET
def emergency_matches(request: HttpRequest, pk: int) -> HttpResponse:
    search = access.get_emergency_search_for(request.user, pk)
    people = access.emergency_matches(search)
    return render(request, "ethics/emergency_matches.html", {"search": search, "people": people})


@require_POST
def emergency_open(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    search = access.get_emergency_search_for(request.user, pk)
    person = access.get_person_for_emergency(search, person_pk)
    try:
        grant = emergency.open_emergency_access(search=search, person=person)
    except emergency.EmergencyError as error:
        messages.error(request, str(error))
        return redirect("emergency-search")
    messages.warning(
        request, f"Emergency access to {person} is open until {grant.expires_at:%H:%M}. It will be reviewed."
    )
    return redirect("person-detail", pk=person.pk)


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
