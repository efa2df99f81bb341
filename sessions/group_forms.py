"""Forms for groups, their meetings and brief contacts. They validate input; sessions.groups decides what is stored.

The meeting form is a plain Django form rendered by a template, so a long-form draft mechanism can be switched on
for it like for any other form."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils import timezone

from chime.framework import AREAS
from chime.models import User
from chime.wording import find_unhelpful_words
from sessions.forms import NOTE_MAX_LENGTH, SignpostingField, _hinted_textarea
from sessions.groups import (
    MAX_ANONYMOUS,
    MAX_NAMED_ATTENDEES,
    Attendee,
    ContactDetails,
    MeetingDetails,
    Register,
    names_in_note,
)
from sessions.models import Group, GroupMode, Person

ADDENDUM_MAX_LENGTH = 2000
AREA_CHOICES = [(area.code, area.name) for area in AREAS]
_SUBMISSION_KEY_ERRORS = {
    "invalid": "This form could not be checked. Please press save again.",
    "required": "This form could not be checked. Please press save again.",
}


def _date_field(label: str = "Date") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


def _time_field() -> forms.TimeField:
    return forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Optional.",
    )


def _when(form: forms.Form, data: dict[str, object]) -> dt.datetime | None:
    """The moment from a date and an optional time; not in the future, not more than a year ago."""
    day = data.get("occurred_on")
    if not isinstance(day, dt.date):
        return None
    moment = timezone.make_aware(dt.datetime.combine(day, data.get("occurred_time") or dt.time(12, 0)))
    today = timezone.localdate()
    if day > today or (day == today and data.get("occurred_time") and moment > timezone.now()):
        form.add_error("occurred_on", "This cannot be in the future.")
    elif day < today - dt.timedelta(days=366):
        form.add_error("occurred_on", "That date is more than a year ago. Please check it.")
    if day == today and not data.get("occurred_time"):
        moment = min(moment, timezone.now())
    return moment


class GroupForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example: Thursday recovery café.")
    purpose = forms.CharField(
        label="What it is for", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    usual_place = forms.CharField(label="Where it usually meets", max_length=200, required=False)
    usual_time = forms.CharField(
        label="When it usually meets",
        max_length=120,
        required=False,
        help_text="For example: Thursdays, 10:30 to 12:00.",
    )
    membership = forms.ChoiceField(choices=Group.Membership.choices, initial=Group.Membership.OPEN)
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Practitioners who run it. They record its meetings and see its registers.",
    )
    volunteer_facilitators = forms.CharField(
        label="Volunteers with lived experience who co-facilitate",
        max_length=300,
        required=False,
        help_text="Their names, as they want to be credited. Optional.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = User.objects.filter(
            is_practitioner=True, is_active=True
        ).order_by("first_name", "last_name", "pk")
        self.fields["facilitators"].label_from_instance = lambda user: user.name

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the group a name.")
        return name

    @classmethod
    def for_group(cls, group: Group, data: object = None) -> GroupForm:
        initial = {name: getattr(group, name) for name in GROUP_DETAILS}
        form = cls(
            data, initial={**initial, "facilitators": list(group.facilitators.values_list("pk", flat=True))}
        )
        form.fields["ended_on"] = forms.DateField(
            label="Stopped meeting on",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text="Leave empty while the group still meets.",
        )
        form.initial["ended_on"] = group.ended_on
        return form


GROUP_DETAILS = ("name", "purpose", "usual_place", "usual_time", "membership", "volunteer_facilitators")


class MeetingForm(forms.Form):
    """A group meeting: when and how, who facilitated, CHIME areas, one group note, and the register.

    The register is a tick-box per person listed (`candidates`: last meeting's regulars, the facilitator's caseload
    and anyone found by name), each with an optional personal addendum, plus a count of people who came unnamed."""

    occurred_on = _date_field()
    occurred_time = _time_field()
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=1,
        max_value=720,
        initial=90,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mode = forms.ChoiceField(label="How", choices=GroupMode.choices, initial=GroupMode.IN_PERSON)
    location = forms.CharField(label="Where", max_length=200, required=False)
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, label="Facilitated by"
    )
    volunteer_facilitators = forms.CharField(
        label="Volunteers with lived experience who co-facilitated", max_length=300, required=False
    )
    areas = forms.MultipleChoiceField(
        label="CHIME areas the meeting touched",
        choices=AREA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one CHIME area the meeting touched."},
    )
    group_note = forms.CharField(
        label="Group note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=_hinted_textarea(4),
        help_text="Themes for the group as a whole, not people: no names. "
        "Anything about one person goes in their personal addendum.",
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
        error_messages={
            "invalid_choice": "Someone ticked is not a person you can name on this register.",
            "invalid_pk_value": "Someone ticked is not a person you can name on this register.",
        },
    )
    anonymous_count = forms.IntegerField(
        label="Came without giving a name",
        min_value=0,
        max_value=MAX_ANONYMOUS,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Drop-ins and first-timers who did not want to give a name.",
    )
    find_name = forms.CharField(
        label="Find someone by name",
        max_length=120,
        required=False,
        help_text="Finds only people whose records you can see.",
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput, initial=uuid.uuid4, error_messages=_SUBMISSION_KEY_ERRORS
    )

    def __init__(
        self, *args: object, group: Group, candidates: list[Person], nameable: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.candidates = candidates
        self.fields["facilitators"].queryset = group.facilitators.order_by("first_name", "last_name", "pk")
        self.fields["facilitators"].label_from_instance = lambda user: user.name
        self.fields["attendees"].queryset = nameable
        for person in candidates:
            self.fields[f"addendum_{person.pk}"] = forms.CharField(
                label=f"Personal addendum for {person.preferred_name}",
                required=False,
                max_length=ADDENDUM_MAX_LENGTH,
                widget=_hinted_textarea(2),
                help_text=f"Optional. Goes on {person.preferred_name}'s record only.",
            )

    def register_rows(self) -> list[dict[str, object]]:
        ticked = {str(v) for v in (self["attendees"].value() or [])}
        return [
            {
                "person": person,
                "ticked": str(person.pk) in ticked,
                "addendum": self[f"addendum_{person.pk}"],
                "hints": find_unhelpful_words(str(self[f"addendum_{person.pk}"].value() or "")),
            }
            for person in self.candidates
        ]

    def note_hints(self) -> list[object]:
        return find_unhelpful_words(str(self["group_note"].value() or ""))

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if self.has_error("submission_key"):
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())
        data["occurred_at"] = _when(self, data)
        people = list(data.get("attendees") or [])
        if len(people) > MAX_NAMED_ATTENDEES:
            self.add_error("attendees", f"A register can name at most {MAX_NAMED_ATTENDEES} people.")
        for person in self.candidates:
            addendum = (data.get(f"addendum_{person.pk}") or "").strip()
            data[f"addendum_{person.pk}"] = addendum
            if addendum and person not in people:
                self.add_error(
                    f"addendum_{person.pk}",
                    f"Tick {person.preferred_name} as having come, or clear their addendum.",
                )
        if named := names_in_note(data.get("group_note") or "", people):
            who = ", ".join(p.preferred_name for p in named)
            self.add_error(
                "group_note",
                f"The group note names {who}, who is on the register. A group note is about the group as a "
                "whole: please move what is about one person into their personal addendum.",
            )
        return data

    def details(self) -> MeetingDetails:
        d = self.cleaned_data
        return MeetingDetails(
            occurred_at=d["occurred_at"],
            duration_minutes=d["duration_minutes"],
            mode=d["mode"],
            areas=list(d["areas"]),
            location=d["location"],
            volunteer_facilitators=d["volunteer_facilitators"],
            group_note=d["group_note"].strip(),
            anonymous_count=d["anonymous_count"],
        )

    def register(self) -> Register:
        d = self.cleaned_data
        return Register(
            [Attendee(person=p, addendum=d.get(f"addendum_{p.pk}", "")) for p in d.get("attendees") or []]
        )


class BriefContactForm(forms.Form):
    occurred_on = _date_field()
    occurred_time = _time_field()
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=1,
        max_value=720,
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    location = forms.CharField(
        label="Where", max_length=200, required=False, help_text="For example: town centre outreach, drop-in."
    )
    areas = forms.MultipleChoiceField(
        label="CHIME areas it touched",
        choices=AREA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    signposted_to = forms.CharField(
        label="Somewhere else (type it)",
        max_length=300,
        required=False,
        help_text="A service that is not in the list above.",
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput, initial=uuid.uuid4, error_messages=_SUBMISSION_KEY_ERRORS
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        services = SignpostingField(label="Signposted to, from the directory")
        # Just before "somewhere else": the list first, the typed name for anything not in it.
        fields = list(self.fields.items())
        at = [name for name, _ in fields].index("signposted_to")
        self.fields = dict([*fields[:at], ("signposted_services", services), *fields[at:]])
        if not services.choices:  # an empty directory: no list, and nothing "above" to point to
            del self.fields["signposted_services"]
            self.fields["signposted_to"].help_text = "Any service you pointed them to."

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data["occurred_at"] = _when(self, data)
        return data

    def signposted_services(self) -> list:
        if "signposted_services" not in self.fields:
            return []
        return self.fields["signposted_services"].chosen(self.cleaned_data["signposted_services"])

    def details(self) -> ContactDetails:
        d = self.cleaned_data
        return ContactDetails(
            occurred_at=d["occurred_at"],
            duration_minutes=d["duration_minutes"],
            areas=list(d["areas"]),
            location=d["location"],
            signposted_to=d["signposted_to"],
        )


class LinkContactForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Link to the record of",
        error_messages={"invalid_choice": "Choose someone on your caseload."},
    )

    def __init__(self, *args: object, people: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
