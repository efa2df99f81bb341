"""Forms for the emergency exception."""

from __future__ import annotations

from django import forms

from ethics.models import EmergencyAccess
from ethics.services.emergency import MIN_JUSTIFICATION, MIN_NAME


class EmergencyDeclarationForm(forms.Form):
    """Declared first: who you are looking for, the risk, and why. Only then does anyone see who matches."""

    name_sought = forms.CharField(
        label="Name of the person",
        min_length=MIN_NAME,
        max_length=120,
        help_text="As you know it. You will see who matches only after you declare.",
    )
    reason = forms.ChoiceField(
        label="What is the risk?", choices=EmergencyAccess.Reason.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label="Why do you need this record now?",
        min_length=MIN_JUSTIFICATION,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Be specific. Your supervisor and the admins are told straight away, and someone will review it.",
    )


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=EmergencyAccess.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
