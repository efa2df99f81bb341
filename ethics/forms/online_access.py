"""Forms for online access: offering it, inviting, holding a session back, and the person's sign-in."""

from __future__ import annotations

from django import forms

from ethics.models.online_access import OnlineAccess, WithheldSession


class OfferForm(forms.Form):
    how_given = forms.ChoiceField(
        label="How did they choose?", choices=OnlineAccess.HowGiven.choices, widget=forms.RadioSelect
    )
    confirmed = forms.BooleanField(
        label="They have read or heard the words above, and said yes.",
        error_messages={"required": "Tick this only when the person has said yes to the words above."},
    )


class InviteForm(forms.Form):
    email = forms.BooleanField(
        label="Also email the invitation to the address on their record", required=False
    )


class WithholdForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why may the law hold this back?",
        choices=WithheldSession.Reason.choices,
        widget=forms.RadioSelect,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Your code",
        max_length=40,
        help_text="It has 12 letters and numbers. Spaces and dashes do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
        error_messages={"required": "Type the code you were given."},
    )


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Type your email address.",
            "invalid": "This does not look like an email address.",
        },
    )
