"""Forms for safeguarding concerns. They validate input; ethics.services.safeguarding decides what is stored."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ethics.models import Concern, ConcernClosure, Referral, UrgencyLevel
from ethics.services.safeguarding import ConcernDetails, default_referral_review

TEXT_MAX = 5000


def _text(label: str, *, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class UrgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UrgencyLevel) -> str:
        return f"{obj.name}: {obj.description}" if obj.description else obj.name


class RaiseConcernForm(forms.Form):
    """Quick to fill in: six choices and one text box are required; the rest can follow in the chronology."""

    urgency = UrgencyChoiceField(
        label="How urgent is it?",
        queryset=UrgencyLevel.objects.all(),
        widget=forms.RadioSelect(attrs={"data-crisis-toggle": "true"}),
        empty_label=None,
    )
    risk_to = forms.ChoiceField(
        label="Who is at risk?", choices=Concern.RiskTo.choices, widget=forms.RadioSelect
    )
    type = forms.ChoiceField(label="Type of concern", choices=[("", "Choose one"), *Concern.Type.choices])
    what_happened = _text("What happened", help_text="In plain words: what you saw, heard or were told.")
    done_straight_away = _text("What was done straight away", required=False, rows=2)
    person_knows = forms.ChoiceField(
        label="Does the person know you are raising this?",
        choices=Concern.PersonKnows.choices,
        widget=forms.RadioSelect,
    )
    views_and_wishes = _text(
        "Their views and wishes",
        required=False,
        rows=2,
        help_text="Making Safeguarding Personal: in their words.",
    )
    wanted_outcome = _text("What they would like to happen", required=False, rows=2)
    consent_to_referral = forms.ChoiceField(
        label="Do they consent to a referral to another agency?",
        choices=Concern.Consent.choices,
        widget=forms.RadioSelect,
    )

    def details(self) -> ConcernDetails:
        return ConcernDetails(**self.cleaned_data)

    @property
    def crisis_urgencies(self) -> list[str]:
        return [str(level.pk) for level in self.fields["urgency"].queryset if level.shows_crisis_routes]

    @property
    def crisis_chosen(self) -> bool:
        """Whether the urgency picked (on a re-shown form) means immediate danger."""
        return str(self["urgency"].value()) in self.crisis_urgencies


class AcknowledgeForm(forms.Form):
    note = _text("Note (optional)", required=False, rows=2)


class PlanForm(forms.Form):
    plan = _text("What will be done, and by whom")


class NoFurtherActionForm(forms.Form):
    rationale = _text("Why no further action is needed")


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", choices=Referral.Agency.choices)
    agency_name = forms.CharField(label="Agency name or team", max_length=200, required=False)
    referred_on = forms.DateField(
        label="Date referred",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(label="Their reference", max_length=100, required=False)
    what_was_shared = _text("What was shared", help_text="Only what the agency needs.")
    basis = forms.ChoiceField(
        label="Basis for sharing", choices=Referral.Basis.choices, widget=forms.RadioSelect
    )
    risk_justification = _text(
        "Why sharing without consent is justified",
        required=False,
        rows=2,
        help_text="Needed when sharing without consent: the risk of serious harm, and why it outweighs their wishes.",
    )
    review_on = forms.DateField(
        label="Review the referral on",
        help_text="The day to check the agency has taken it up. You can change it later.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # 10 working days from today, worked out when the form is shown (the clock moves; tests freeze it).
        self.fields["review_on"].initial = default_referral_review(timezone.localdate())

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("basis") == Referral.Basis.RISK_OF_HARM
            and not data.get("risk_justification", "").strip()
        ):
            self.add_error("risk_justification", "Sharing without consent needs a justification.")
        return data


class ReviewDateForm(forms.Form):
    review_on = forms.DateField(
        label="Review the referral on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CloseForm(forms.Form):
    outcome = _text("Outcome")
    persons_views = _text("The person's views on the outcome", help_text="In their words, where you can.")
    wanted_achieved = forms.ChoiceField(
        label="Did they get what they wanted to happen?",
        choices=ConcernClosure.Achieved.choices,
        widget=forms.RadioSelect,
    )


class ChronologyNoteForm(forms.Form):
    note = _text("Add an update or correction", rows=2)
    correction = forms.BooleanField(label="This corrects something recorded earlier", required=False)
