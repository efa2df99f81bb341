"""Forms for data-subject rights."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ethics.models import ErasureRequest, SubjectAccessPack, SubjectAccessRequest


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("agree", "Agree to erase (a second admin must approve)"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
    )
    exception = forms.ChoiceField(
        label="If refusing: which exception applies",
        choices=[("", "—"), *ErasureRequest.Exception_.choices],
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("exception"):
            self.add_error("exception", "A refusal must say which exception applies.")
        return data


class SubjectAccessRequestForm(forms.Form):
    """What an admin records when a subject access request arrives."""

    received_on = forms.DateField(
        label="Date it arrived",
        help_text="It is due one calendar month after this date.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    requester = forms.ChoiceField(
        label="Who asked", choices=SubjectAccessRequest.Requester.choices, widget=forms.RadioSelect
    )
    representative_name = forms.CharField(
        label="If someone acting for them: their name", required=False, max_length=150
    )
    representative_relationship = forms.CharField(
        label="Their relationship to the person",
        required=False,
        max_length=100,
        help_text="For example: daughter, advocate, solicitor.",
    )
    identity_check = forms.ChoiceField(
        label="How identity was checked",
        choices=[("", "Choose one"), *SubjectAccessRequest.IdentityCheck.choices],
    )
    identity_note = forms.CharField(
        label="About the check (optional)",
        required=False,
        max_length=300,
        help_text="Briefly, for example which document was seen. No copies of documents.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("requester") == SubjectAccessRequest.Requester.REPRESENTATIVE:
            for name in ("representative_name", "representative_relationship"):
                if not data.get(name, "").strip():
                    self.add_error(name, "Needed when someone asks for the person.")
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", "A request cannot arrive in the future.")
        return data


class PackReleaseForm(forms.Form):
    how = forms.ChoiceField(
        label="How it was sent", choices=SubjectAccessPack.HowSent.choices, widget=forms.RadioSelect
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why re-open it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the request. A new pack is gathered after re-opening; the earlier one is kept.",
    )
