"""Forms for consent and sharing. They validate input; the services decide what is stored and shared."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from ethics.models import (
    Consent,
    ConsentWording,
    ContentKind,
    EmergencyAccess,
    SharingPurpose,
)
from ethics.services.consent import ConsentTerms
from ethics.services.emergency import MIN_JUSTIFICATION
from sessions.models import SupportSession

DATE_WIDGET = {"type": "date"}


def _date_field(label: str, **kwargs: object) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), **kwargs
    )


def _a_year_from_today() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


class WordingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentWording) -> str:
        return obj.purpose.name


class ConsentTermsForm(forms.Form):
    """With whom, what, how and for how long: the part of a consent that renewing may change."""

    recipient = forms.CharField(
        label="Who it may be shared with",
        max_length=200,
        help_text="A named person or organisation, for example “Dr Patel, Riverside Surgery”.",
    )
    content_kinds = forms.MultipleChoiceField(
        label="What may be shared",
        choices=ContentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing that may be shared."},
    )
    content_notes = forms.CharField(
        label="Anything else about what may be shared (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In the person's words, for example “only the last three months”.",
    )
    how_given = forms.ChoiceField(label="How they gave consent", choices=Consent.HowGiven.choices)
    given_on = _date_field("Date they gave consent", initial=timezone.localdate)
    expires_on = _date_field(
        "Consent ends on", initial=_a_year_from_today, help_text="Sharing stops on this date unless renewed."
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        given, ends = data.get("given_on"), data.get("expires_on")
        if given and given > timezone.localdate():
            self.add_error("given_on", "Consent cannot be given on a date in the future.")
        if given and ends and ends <= given:
            self.add_error("expires_on", "The end date must be after the day consent was given.")
        return data

    def terms(self) -> ConsentTerms:
        d = self.cleaned_data
        return ConsentTerms(
            recipient=d["recipient"],
            content_kinds=tuple(d["content_kinds"]),
            content_notes=d["content_notes"],
            how_given=d["how_given"],
            given_on=d["given_on"],
            expires_on=d["expires_on"],
        )

    @classmethod
    def for_renewal(cls, consent: Consent, data: object = None) -> ConsentTermsForm:
        today = timezone.localdate()
        initial = {
            "recipient": consent.recipient,
            "content_kinds": consent.content_kinds,
            "content_notes": consent.content_notes,
            "how_given": consent.how_given,
            "given_on": today,
            "expires_on": today + dt.timedelta(days=365),
        }
        return cls(data, initial=initial)


class ConsentForm(ConsentTermsForm):
    """A new consent: the purpose is chosen by the wording the person was shown."""

    wording = WordingChoiceField(
        label="What they are agreeing to",
        queryset=ConsentWording.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the purpose the person is agreeing to.",
            "invalid_choice": "The wording for this purpose has changed. Please show the person the new wording.",
        },
    )
    field_order = [
        "wording",
        "recipient",
        "content_kinds",
        "content_notes",
        "how_given",
        "given_on",
        "expires_on",
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wording"].queryset = ConsentWording.objects.current()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if they want to say. Nobody has to give a reason.",
    )


SOMEONE_ELSE = "__someone_else__"  # the choice for a recipient no consent names (the exception only)


class ShareForm(forms.Form):
    purpose = forms.ModelChoiceField(label="Why it is being shared", queryset=SharingPurpose.objects.all())
    recipient = forms.ChoiceField(
        label="Who it is shared with",
        help_text="The people and organisations their consents name.",
        error_messages={"required": "Choose who it is shared with."},
    )
    someone_else = forms.CharField(
        label="Who, if no consent names them",
        max_length=200,
        required=False,
        help_text="Only under the risk-of-harm exception below.",
    )
    content_kinds = forms.MultipleChoiceField(
        label="What to share",
        choices=ContentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing to share."},
    )
    sessions = forms.ModelMultipleChoiceField(
        label="Which sessions to summarise",
        queryset=SupportSession.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: object, sessions: object | None, recipients: list[tuple[str, bool]], **kwargs: object
    ) -> None:
        """`sessions` are the person's sessions the sharer may read; None when they may not read session notes.
        `recipients` are those the person's consents name, and whether an active consent names them."""
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [
            ("", "Choose who"),
            *[(name, name if active else f"{name} (no active consent)") for name, active in recipients],
            (SOMEONE_ELSE, "Someone no consent names (only under the risk-of-harm exception)"),
        ]
        wanted = str(self.initial.get("recipient", "")).strip().casefold()
        for name, _ in recipients:
            if name.casefold() == wanted:
                self.initial["recipient"] = name  # the prefill picks the choice that names the same recipient
        if sessions is None:
            del self.fields["sessions"]
            self.fields["content_kinds"].choices = [
                c for c in ContentKind.choices if c[0] != ContentKind.SESSION_SUMMARIES
            ]
        else:
            self.fields["sessions"].queryset = sessions
            self.fields["sessions"].label_from_instance = lambda s: date_format(
                timezone.localtime(s.occurred_at)
            )

    risk_of_harm = forms.BooleanField(
        label="No consent covers this, but someone is at risk of harm: share under the exception",
        required=False,
        help_text="Only when there is a risk of harm to the person or others. It is recorded, your supervisor and "
        "the admins are told, and someone else reviews it.",
    )
    risk = forms.ChoiceField(
        label="What is the risk?", choices=[("", "—"), *EmergencyAccess.Reason.choices], required=False
    )
    justification = forms.CharField(
        label="Why this cannot wait for consent",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        wants_sessions = ContentKind.SESSION_SUMMARIES in (data.get("content_kinds") or [])
        if wants_sessions and not data.get("sessions"):
            self.add_error("sessions", "Choose which sessions to summarise.")
        if data.get("recipient") == SOMEONE_ELSE:
            self._clean_someone_else(data)
        if data.get("risk_of_harm"):
            if not data.get("risk"):
                self.add_error("risk", "Say what the risk is.")
            if len((data.get("justification") or "").strip()) < MIN_JUSTIFICATION:
                self.add_error(
                    "justification", "Explain the risk of harm and why it cannot wait for consent."
                )
        return data

    def _clean_someone_else(self, data: dict[str, object]) -> None:
        """A recipient no consent names: only under the exception, and named here (it becomes the recipient)."""
        name = (data.get("someone_else") or "").strip()
        if not data.get("risk_of_harm"):
            self.add_error(
                "recipient", "Without a consent that names them, share only under the risk-of-harm exception."
            )
        if not name:
            self.add_error("someone_else", "Say who it is shared with.")
        data["recipient"] = name


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=120)
