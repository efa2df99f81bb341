"""Consent pages: a person's consents, recording, renewing and withdrawing, receipts, renewals due, and the
admins' people directory. Every lookup goes through ethics.access."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ethics import access
from ethics.forms.consent import ConsentForm, ConsentTermsForm, DirectorySearchForm, WithdrawForm
from ethics.models import Consent, ConsentWording, Disclosure, OrganisationContact
from ethics.services import consent as services


def person_consents(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_consent_person_for(request.user, pk)
    context = {
        "person": person,
        "consents": Consent.objects.for_person_page(person),
        "disclosures": Disclosure.objects.for_person_page(person),
        "can_manage": access.can_manage_consent(request.user, person),
        "can_read_sessions": access.can_read_sessions(request.user, person),
    }
    return render(request, "ethics/person_consents.html", context)


@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_consent_person_for(request.user, pk, write=True)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.record_consent(
                person=person,
                wording=form.cleaned_data["wording"],
                terms=form.terms(),
                recorded_by=request.user,
            )
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Consent recorded. You can print a receipt for {person} to keep.")
            return redirect("consent-detail", pk=consent.pk)
    return render(request, "ethics/consent_form.html", {"form": form, "person": person})


def consent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_consent_for(request.user, pk)
    versions = Consent.objects.filter(series=consent.series).select_related("recorded_by", "wording")
    latest = versions.first()  # newest version first
    context = {
        "consent": consent,
        "person": consent.person,
        "versions": versions,
        "latest": latest,
        "is_latest": latest.pk == consent.pk,
        "can_manage": access.can_manage_consent(request.user, consent.person),
    }
    return render(request, "ethics/consent_detail.html", context)


def consent_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_consent_for(request.user, pk)
    context = {"consent": consent, "person": consent.person, "contact": OrganisationContact.current()}
    return render(request, "ethics/consent_receipt.html", context)


@require_http_methods(["GET", "POST"])
def consent_renew(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_consent_for(request.user, pk, write=True)
    form = ConsentTermsForm.for_renewal(consent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            renewed = services.renew_consent(consent=consent, terms=form.terms(), renewed_by=request.user)
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Consent renewed. The earlier version is kept in its history.")
            return redirect("consent-detail", pk=renewed.pk)
    wording = ConsentWording.objects.current().filter(purpose=consent.purpose_id).first()
    context = {"form": form, "consent": consent, "person": consent.person, "wording": wording}
    return render(request, "ethics/consent_renew.html", context)


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = access.get_consent_for(request.user, pk, write=True)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawn = services.withdraw_consent(
                consent=consent, withdrawn_by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Consent withdrawn. Nothing more can be shared under it, from now on.")
            return redirect("consent-detail", pk=withdrawn.pk)
    return render(
        request, "ethics/consent_withdraw.html", {"form": form, "consent": consent, "person": consent.person}
    )


def consents_expiring(request: HttpRequest) -> HttpResponse:
    consents = access.expiring_consents_for(request.user)
    return render(request, "ethics/consents_expiring.html", {"consents": consents})


def people_directory(request: HttpRequest) -> HttpResponse:
    # A name searched for is posted, never put in the URL, so it stays out of browser history and server logs.
    form = DirectorySearchForm(request.POST or None)
    search = form.cleaned_data["q"] if request.method == "POST" and form.is_valid() else ""
    everyone = access.people_directory_for(request.user, search)
    if search:
        people = access.audit_directory(everyone[:SEARCH_RESULTS])
    else:
        people = Paginator(everyone, 50).get_page(request.GET.get("page"))
        people.object_list = access.audit_directory(people.object_list)
    context = {"form": form, "people": people, "search": search, "search_limit": SEARCH_RESULTS}
    return render(request, "ethics/people_directory.html", context)


SEARCH_RESULTS = 50
