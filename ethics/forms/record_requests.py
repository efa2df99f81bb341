"""Forms for asking to correct or delete something (the person) and answering it (the data protection lead)."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format

from ethics.models import RecordChangeRequest
from ethics.services.record_requests import MAX_WORDS


def _box(label: str, *, required: bool = True, help_text: str = "", message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_WORDS,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": message,
            "max_length": f"Please keep this under {MAX_WORDS} letters.",
        },
    )


class _SessionChoice(forms.Form):
    """The optional "which session" box, offering only the person's own sessions."""

    def __init__(self, *args: object, sessions: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = {str(s.pk): s for s in sessions}
        choices = [("", "Not about one session")]
        choices += [(key, date_format(s.occurred_at.date())) for key, s in self.sessions.items()]
        self.fields["session"] = forms.ChoiceField(
            label="Is it about one session? (you can leave this)",
            choices=choices,
            required=False,
            error_messages={"invalid_choice": "Choose one of your sessions, or leave this."},
        )

    def clean_session(self) -> object:
        return self.sessions.get(self.cleaned_data.get("session") or "")


class CorrectionForm(_SessionChoice):
    what = _box("What is wrong?", message="Please say what is wrong.")
    should_say = _box("What should it say?", message="Please say what it should say.")


class DeletionForm(_SessionChoice):
    what = _box("What do you want us to delete?", message="Please say what you want us to delete.")
    why = _box("Why? (you can leave this)", required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What was done?",
        choices=RecordChangeRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done."},
    )
    note = _box(
        "What we tell them",
        required=False,
        help_text="They read this on their own page, in plain words. A refusal must give the reason.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if (
            data.get("outcome") == RecordChangeRequest.Outcome.REFUSED
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", "A refusal must give the person the reason.")
        return data
