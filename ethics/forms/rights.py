"""Forms for data-subject rights."""

from __future__ import annotations

from django import forms

from ethics.models import ErasureRequest


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
