"""The form admins use to add or change a service in the signposting directory."""

from __future__ import annotations

from django import forms
from django.db.models import Value
from django.db.models.functions import Lower

from sessions.models import DirectoryService


class DirectoryServiceForm(forms.ModelForm):
    class Meta:
        model = DirectoryService
        fields = ["name", "kind", "phone", "email", "website"]
        labels = {"phone": "Phone (optional)", "email": "Email (optional)", "website": "Website (optional)"}
        help_texts = {"name": "As people would know it, for example “Shelter housing advice”."}
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "website": forms.URLInput(attrs={"autocomplete": "off"}),
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the service a name.")
        # The same comparison as the database's unique constraint (lower(name)), so the two never disagree.
        taken = (
            DirectoryService.objects.alias(lowered=Lower("name"))
            .filter(lowered=Lower(Value(name)))
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError("A service with this name is already in the directory.")
        return name
