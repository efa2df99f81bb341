"""Forms for two voices on every session: the person's own words, their flag on a note, and the practitioner's
answer. The services check the words again (blank, too long); the forms say it beside the field first."""

from __future__ import annotations

from django import forms

from sessions.models import NoteFlagStep
from sessions.own_words import FLAG_WORDS_MAX, OWN_WORDS_MAX


def _words(label: str, help_text: str, most: int, needed: str, rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=most,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": needed,
            "max_length": f"Please use {most} characters or fewer.",
        },
    )


class OwnWordsForm(forms.Form):
    words = _words(
        "In my words",
        "What mattered to you? What helped? What do you want next?",
        OWN_WORDS_MAX,
        "Please write something, or go back.",
        rows=8,
    )


class FlagForm(forms.Form):
    words = _words(
        "What does not sound like you?",
        "Say what is wrong, or what you would say instead.",
        FLAG_WORDS_MAX,
        "Please say what does not sound like you.",
    )


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(
        label="This is",
        choices=[
            (NoteFlagStep.Kind.REPLY, "A reply to them"),
            (
                NoteFlagStep.Kind.CORRECTION,
                "A correction, shown beside the note (the note is kept as written)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a reply or a correction.",
            "invalid_choice": "Choose a reply or a correction.",
        },
    )
    words = _words(
        "Your words",
        "They will read this in their own view.",
        FLAG_WORDS_MAX,
        "Please write your reply or correction.",
    )
