"""Forms for people and support sessions. They validate input; the services decide what is stored."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from chime.framework import AREAS, RATING_CHOICES
from chime.models import User
from chime.wording import find_unhelpful_words
from sessions.models import PERSON_FIELDS, Person, SupervisionRecord, SupportSession
from sessions.services import AreaEntry, SessionDetails

NOTE_MAX_LENGTH = 5000


def _hinted_textarea(rows: int = 3) -> forms.Textarea:
    """A textarea that asks the server, as the practitioner types, for gentler words (see chime.wording)."""
    return forms.Textarea(
        attrs={
            "rows": rows,
            "hx-post": reverse_lazy("wording-check"),
            "hx-trigger": "input changed delay:500ms",
            "hx-swap": "innerHTML",
            "data-hint-target": "true",
        }
    )


def _hint_under_each_field(form: forms.BaseForm) -> None:
    """Each hinted field sends only its own words, and its hint appears in the box under it
    (includes/_wording_hints_box.html): a word in one note is pointed out once, under that note."""
    for name, field in form.fields.items():
        if "data-hint-target" in field.widget.attrs:
            field.widget.attrs["hx-params"] = form.add_prefix(name)
            field.widget.attrs["hx-target"] = f"#{form[name].auto_id}-hints"


class SessionForm(forms.Form):
    occurred_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    occurred_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Optional.",
    )
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=1,
        max_value=720,
        initial=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mode = forms.ChoiceField(
        label="How", choices=SupportSession.Mode.choices, initial=SupportSession.Mode.IN_PERSON
    )
    areas = forms.MultipleChoiceField(
        label="CHIME areas this session touched",
        required=False,
        choices=[(area.code, area.name) for area in AREAS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    location = forms.CharField(
        label="Where", max_length=200, required=False, help_text="For example: café, office, park."
    )
    next_steps = forms.CharField(
        label="What they want to do next",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=_hinted_textarea(2),
    )
    follow_up_on = forms.DateField(
        label="Follow-up date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    signposted_to = forms.CharField(
        label="Signposted to",
        max_length=300,
        required=False,
        help_text="Any other service you pointed them to.",
    )
    signposting_notes = forms.CharField(
        label="Signposting notes", required=False, max_length=NOTE_MAX_LENGTH, widget=_hinted_textarea(2)
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "invalid": "This form could not be checked. Please press save again.",
            "required": "This form could not be checked. Please press save again.",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for area in AREAS:
            self.fields[f"{area.code}_note"] = forms.CharField(
                label=area.note_label,
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=_hinted_textarea(3),
                help_text=area.prompt,
            )
            self.fields[f"{area.code}_rating"] = forms.TypedChoiceField(
                label=area.rating_label,
                choices=[("", "No rating given"), *RATING_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text="Only if they want to give one: how things feel in this area today, 1 to 5.",
            )
        _hint_under_each_field(self)

    @classmethod
    def for_session(cls, session: SupportSession) -> SessionForm:
        local = timezone.localtime(session.occurred_at)
        initial: dict[str, object] = {
            "occurred_on": local.date(),
            "occurred_time": local.time().replace(second=0, microsecond=0),
            "submission_key": session.submission_key,
            "areas": [area.area for area in session.areas.all()],
        }
        for name in (
            "duration_minutes",
            "mode",
            "location",
            "next_steps",
            "follow_up_on",
            "signposted_to",
            "signposting_notes",
        ):
            initial[name] = getattr(session, name)
        for area in session.areas.all():
            initial[f"{area.area}_note"] = area.note
            initial[f"{area.area}_rating"] = area.rating
        return cls(initial=initial)

    def area_rows(self) -> list[dict[str, object]]:
        """One row per CHIME area: its tick box, and the note and rating that open under it once ticked."""
        choices = self["areas"].subwidgets
        return [
            {
                "area": area,
                "choice": choice,
                "note": self[f"{area.code}_note"],
                "rating": self[f"{area.code}_rating"],
                "hints": find_unhelpful_words(str(self[f"{area.code}_note"].value() or "")),
                "has_errors": self.has_error(f"{area.code}_note") or self.has_error(f"{area.code}_rating"),
                "has_content": self._area_has_content(area.code),
            }
            for area, choice in zip(AREAS, choices, strict=True)
        ]

    def _area_has_content(self, code: str) -> bool:
        """Something is written or chosen in this area, so its note stays open even when it is not ticked."""
        note, rating = self[f"{code}_note"].value(), self[f"{code}_rating"].value()
        return bool(str(note or "").strip()) or rating not in (None, "")

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if self.has_error("submission_key"):
            # The key guards against double posts; a damaged one gets a fresh key so the next save can work.
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())
        self._check_when(data)
        self._check_areas(data)
        return data

    def _check_areas(self, data: dict[str, object]) -> None:
        """An area is touched when it has a note. Ticking an area asks for its note; a rating needs one too.
        A note written under an area left unticked still counts: nothing typed is thrown away."""
        ticked = set(data.get("areas") or [])
        touched = 0
        for area in AREAS:
            note = (data.get(f"{area.code}_note") or "").strip()
            data[f"{area.code}_note"] = note
            if note:
                touched += 1
            elif area.code in ticked:
                self.add_error(f"{area.code}_note", f"Add a short note about {area.name}, or untick it.")
            elif data.get(f"{area.code}_rating") is not None:
                self.add_error(
                    f"{area.code}_note", f"Add a short note about {area.name}, or remove the rating."
                )
        if touched == 0 and not any(self.has_error(f"{area.code}_note") for area in AREAS):
            self.add_error(None, "Tick at least one CHIME area the session touched, and add a note about it.")

    def _check_when(self, data: dict[str, object]) -> None:
        day = data.get("occurred_on")
        if not isinstance(day, dt.date):
            return
        moment = timezone.make_aware(dt.datetime.combine(day, data.get("occurred_time") or dt.time(12, 0)))
        today = timezone.localdate()
        if day > today or (day == today and data.get("occurred_time") and moment > timezone.now()):
            self.add_error("occurred_on", "A session you are logging cannot be in the future.")
        elif day < today - dt.timedelta(days=366):
            self.add_error("occurred_on", "That date is more than a year ago. Please check it.")
        if day == today and not data.get("occurred_time"):
            moment = min(moment, timezone.now())
        data["occurred_at"] = moment
        follow_up = data.get("follow_up_on")
        if isinstance(follow_up, dt.date) and follow_up < day:
            self.add_error("follow_up_on", "The follow-up date must be on or after the session date.")
        elif isinstance(follow_up, dt.date) and follow_up > day + dt.timedelta(days=366):
            self.add_error("follow_up_on", "Choose a follow-up date within a year of the session.")

    def details(self) -> SessionDetails:
        d = self.cleaned_data
        return SessionDetails(
            occurred_at=d["occurred_at"],
            duration_minutes=d["duration_minutes"],
            mode=d["mode"],
            location=d["location"],
            next_steps=d["next_steps"],
            follow_up_on=d["follow_up_on"],
            signposted_to=d["signposted_to"],
            signposting_notes=d["signposting_notes"],
        )

    def area_entries(self) -> list[AreaEntry]:
        d = self.cleaned_data
        return [
            AreaEntry(area=a.code, note=d[f"{a.code}_note"], rating=d[f"{a.code}_rating"])
            for a in AREAS
            if d[f"{a.code}_note"]
        ]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "support_started": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "support_ended": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "what_matters": _hinted_textarea(3),
            "goals": _hinted_textarea(3),
            "strengths": _hinted_textarea(3),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chose_to_take_part"].required = True
        self.fields["chose_to_take_part"].error_messages["required"] = (
            "Peer support is voluntary: tick this once the person has said they want to take part."
        )
        _hint_under_each_field(self)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        started, ended = data.get("support_started"), data.get("support_ended")
        if started and ended and ended < started:
            self.add_error("support_ended", "Support cannot end before it started.")
        if started and started > timezone.localdate():
            self.add_error("support_started", "Support cannot start in the future.")
        if data.get("route") == Person.Route.REFERRED and not data.get("referred_by"):
            self.add_error("referred_by", "Say who referred them.")
        return data

    def details(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class MovePersonForm(forms.Form):
    to_practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label="Move to")
    reason = forms.CharField(max_length=300, required=False, label="Why (optional)")

    def __init__(self, *args: object, choices: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_practitioner"].queryset = choices


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Feedback for the practitioner (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Strengths first: what went well, and anything to think about together.",
    )


class SupervisionRecordForm(forms.Form):
    met_on = forms.DateField(
        label="Date of the meeting",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    people_discussed = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People discussed",
    )
    agreed_actions = forms.CharField(
        label="Agreed actions",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wellbeing = forms.ChoiceField(
        label="How is the practitioner doing?",
        choices=SupervisionRecord.Wellbeing.choices,
        widget=forms.RadioSelect,
        help_text="Lived-experience work is emotionally demanding. This stays between the two of you.",
    )
    wellbeing_notes = forms.CharField(
        label="About their own wellbeing (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, caseload: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people_discussed"].queryset = caseload

    def clean_met_on(self) -> dt.date:
        met_on = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError("The meeting date cannot be in the future.")
        return met_on


class ReportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date.")
        if start and end and (end - start).days > 366 * 5:
            self.add_error("start", "Choose a range of five years or less.")
        return data


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="File to import (.csv or .xlsx)",
        help_text="Start from the template: one row per person, with their practitioner’s username.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        from sessions.importing import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.0f} MB; files up to {MAX_BYTES // 1024 // 1024} MB "
                "can be imported. Split it into smaller files and import each."
            )
        return upload
