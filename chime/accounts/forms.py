from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondStepForm(CodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.help_text = "The six-digit code from your authenticator app, or one of your backup codes."
        code.widget.attrs["inputmode"] = "text"


class StaffAccountForm(forms.Form):
    """A staff account's name, contact, roles, supervisor and whether it is active: the service decides the rest."""

    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    display_name = forms.CharField(
        label="Name shown in Chime",
        max_length=150,
        required=False,
        help_text="Leave blank to use first and last name.",
    )
    email = forms.EmailField(help_text="Set-up and reset links go here.")
    is_practitioner = forms.BooleanField(label="Practitioner", required=False)
    is_supervisor = forms.BooleanField(label="Supervisor", required=False)
    is_safeguarding_lead = forms.BooleanField(label="Safeguarding lead", required=False)
    is_org_admin = forms.BooleanField(label="Admin", required=False)
    is_data_protection_lead = forms.BooleanField(label="Data protection lead", required=False)
    supervisor = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="None", help_text="Every practitioner needs a supervisor."
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Untick to close the account now: it is signed out everywhere.",
    )

    def __init__(self, *args, account=None, **kwargs) -> None:
        from chime.models import User

        super().__init__(*args, **kwargs)
        supervisors = User.objects.supervisors().order_by("username")
        self.fields["supervisor"].queryset = supervisors.exclude(pk=account.pk) if account else supervisors
        self.fields["supervisor"].label_from_instance = lambda user: f"{user.name} ({user.username})"

    def changes(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        supervisor = data.pop("supervisor")
        return {**data, "supervisor": supervisor.pk if supervisor else None}


class NewStaffAccountForm(StaffAccountForm):
    username = forms.CharField(max_length=150, help_text="What they type to log in.")
    field_order = ["username"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
