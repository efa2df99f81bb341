"""Forms for people and support sessions. They validate input; the services decide what is stored."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone

from chime.framework import AREAS, RATING_CHOICES
from chime.models import User
from chime.wording import find_unhelpful_words
from sessions.models import (
    PERSON_FIELDS,
    DirectoryService,
    GoalStep,
    Measure,
    MeasureResponse,
    Person,
    RecoveryGoal,
    SupervisionRecord,
    SupportSession,
    View,
)
from sessions.services import AreaEntry, SessionDetails, StepDetails

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
        label="Somewhere else (type it)",
        max_length=300,
        required=False,
        help_text="A service that is not in the list above.",
    )
    signposting_notes = forms.CharField(
        label="Signposting notes", required=False, max_length=NOTE_MAX_LENGTH, widget=_hinted_textarea(2)
    )
    ratings_view = forms.ChoiceField(
        label="Whose view are the ratings?",
        choices=View.choices,
        initial=View.OWN,
        required=False,  # no choice: their own, as ratings always were
        widget=forms.RadioSelect,
        help_text="Their own view, one you agreed together, or yours.",
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "invalid": "This form could not be checked. Please press save again.",
            "required": "This form could not be checked. Please press save again.",
        },
    )

    def __init__(
        self, *args: object, goals: QuerySet | None = None, kept_services: list[int] = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signposted_services"] = SignpostingField(kept=kept_services)
        if not self.fields["signposted_services"].choices:  # an empty directory: no list to point "above" to
            self.fields["signposted_to"].help_text = "Any service you pointed them to."
        if goals is not None:
            self.fields["goals"] = GoalsWorkedOnField(
                queryset=goals,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label="Goals this session worked on",
                help_text="From their recovery plan. Optional.",
            )
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
    def for_session(cls, session: SupportSession, goals: QuerySet | None = None) -> SessionForm:
        local = timezone.localtime(session.occurred_at)
        kept = kept_services(session)
        initial: dict[str, object] = {
            "occurred_on": local.date(),
            "occurred_time": local.time().replace(second=0, microsecond=0),
            "submission_key": session.submission_key,
            "areas": [area.area for area in session.areas.all()],
            "goals": list(session.goals_worked_on.values_list("pk", flat=True)),
            "signposted_services": kept,
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
            initial["ratings_view"] = area.rating_view
        return cls(initial=initial, goals=goals, kept_services=kept)

    def signposted_services(self) -> list[DirectoryService]:
        return self.fields["signposted_services"].chosen(self.cleaned_data["signposted_services"])

    def signposting_open(self) -> bool:
        """The signposting area starts open once anything in it is chosen, typed or wrong."""
        names = ("signposted_services", "signposted_to", "signposting_notes")
        return any(self[name].value() for name in names) or any(self.has_error(name) for name in names)

    def goals_worked_on(self) -> list[RecoveryGoal] | None:
        """The goals ticked, or None when the form offered none (the person has no open goals)."""
        if "goals" not in self.fields:
            return None
        return list(self.cleaned_data["goals"])

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
            AreaEntry(
                area=a.code,
                note=d[f"{a.code}_note"],
                rating=d[f"{a.code}_rating"],
                rating_view=d.get("ratings_view") or View.OWN,
            )
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
        if start and start.year < 1900:  # the previous period is shown beside it, so it needs room before
            self.add_error("start", "Choose a start date in 1900 or later.")
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


# ---- Recovery plans ---------------------------------------------------------------------------------------------

AREA_CHOICES = [(area.code, area.name) for area in AREAS]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _within_two_years(day: dt.date | None, message: str) -> dt.date | None:
    if day is not None and day > timezone.localdate() + dt.timedelta(days=366 * 2):
        raise forms.ValidationError(message)
    return day


class StepFields(forms.Form):
    """What, who, by when: the fields of a step, shared by the goal form (its first step) and the step form."""

    what = forms.CharField(
        label="Step: what", max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    who = forms.ChoiceField(label="Who", choices=GoalStep.Who.choices, initial=GoalStep.Who.PERSON)
    who_else = forms.CharField(
        label="Who else", max_length=200, required=False, help_text="Only when someone else will do it."
    )
    by_when = forms.DateField(label="By when", required=False, widget=_DATE, help_text="Optional.")

    def clean_by_when(self) -> dt.date | None:
        return _within_two_years(self.cleaned_data.get("by_when"), "Choose a date within two years.")

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("who") == GoalStep.Who.SOMEONE_ELSE and not (data.get("who_else") or "").strip():
            self.add_error("who_else", "Say who else will do it.")
        return data

    def step(self) -> StepDetails:
        d = self.cleaned_data
        return StepDetails(what=d["what"], who=d["who"], who_else=d["who_else"], by_when=d["by_when"])


class GoalForm(StepFields):
    in_their_words = forms.CharField(
        label="The goal, in their words",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Write it as they say it.",
    )
    areas = forms.MultipleChoiceField(
        label="CHIME areas it is about",
        choices=AREA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one CHIME area the goal is about."},
    )
    achieved_on = forms.DateField(label="Achieved on", required=False, widget=_DATE)

    field_order = ["in_their_words", "areas", "achieved_on", "what", "who", "who_else", "by_when"]

    def __init__(self, *args: object, first_step: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("what", "who", "who_else", "by_when"):
            if not first_step:
                del self.fields[name]
        if first_step:
            del self.fields["achieved_on"]
            self.fields["what"].required = False
            self.fields["what"].label = "A first step (optional): what"

    @classmethod
    def for_goal(cls, goal: RecoveryGoal, data: object = None) -> GoalForm:
        initial = {
            "in_their_words": goal.in_their_words,
            "areas": goal.areas,
            "achieved_on": goal.achieved_on,
        }
        return cls(data, initial=initial, first_step=False)

    def clean_achieved_on(self) -> dt.date | None:
        day = self.cleaned_data.get("achieved_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("A goal cannot be achieved in the future.")
        return day

    def clean(self) -> dict[str, object]:
        data = forms.Form.clean(self)
        if "what" in self.fields and (data.get("what") or "").strip():
            StepFields.clean(self)
        return data

    def first_steps(self) -> list[StepDetails]:
        if "what" not in self.fields or not (self.cleaned_data.get("what") or "").strip():
            return []
        return [self.step()]


class StepForm(StepFields):
    done_on = forms.DateField(
        label="Done on", required=False, widget=_DATE, help_text="Leave empty if not done."
    )

    @classmethod
    def for_step(cls, step: GoalStep, data: object = None) -> StepForm:
        names = ("what", "who", "who_else", "by_when", "done_on")
        return cls(data, initial={name: getattr(step, name) for name in names})

    def clean_done_on(self) -> dt.date | None:
        day = self.cleaned_data.get("done_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("A step cannot be done in the future.")
        return day

    def step(self) -> StepDetails:
        return StepDetails(**{**super().step().__dict__, "done_on": self.cleaned_data["done_on"]})


class PlanReviewForm(forms.Form):
    what_changed = forms.CharField(
        label="What has changed", max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_next = forms.CharField(
        label="What next",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_review_on = forms.DateField(label="Next review by", required=False, widget=_DATE)

    def clean_next_review_on(self) -> dt.date | None:
        day = self.cleaned_data.get("next_review_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("Choose a next review date after today.")
        return _within_two_years(day, "Choose a date within two years.")


class ReviewDateForm(forms.Form):
    review_on = forms.DateField(label="Review the plan by", required=False, widget=_DATE)

    def clean_review_on(self) -> dt.date | None:
        day = self.cleaned_data.get("review_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        return _within_two_years(day, "Choose a date within two years.")


def kept_services(record: object) -> list[int]:
    """The services a session or brief contact already names (a retired one among them stays on offer there)."""
    return list(record.signposted_services.values_list("pk", flat=True))


class SignpostingField(forms.TypedMultipleChoiceField):
    """Tick boxes for the directory's services, grouped by kind: the ones offered, and any retired one the record
    already names. A retired or unknown id is refused beside the field."""

    def __init__(self, *, kept: list[int] = (), label: str = "Services from the directory") -> None:
        self.services = {s.pk: s for s in DirectoryService.objects.offered_or_among(list(kept))}
        grouped: dict[str, list[tuple[int, str]]] = {}
        for service in self.services.values():
            name = service.name if service.is_active else f"{service.name} (retired)"
            grouped.setdefault(service.get_kind_display(), []).append((service.pk, name))
        super().__init__(
            label=label,
            choices=list(grouped.items()),
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Tick each one you pointed them to.",
            error_messages={
                "invalid_choice": "Choose from the services listed: that one is retired or not in the directory."
            },
        )

    def chosen(self, ids: list[int]) -> list[DirectoryService]:
        return [self.services[pk] for pk in ids]


class GoalsWorkedOnField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal: RecoveryGoal) -> str:
        return goal.in_their_words


class MeasureForm(forms.Form):
    """A measure's items as radio buttons, built from its definition; or 'they would rather not this time'."""

    declined = forms.BooleanField(
        label="They would rather not do it this time",
        required=False,
        help_text="That is fine: it is kept, and not asked again until the next time it is due.",
    )
    view = forms.ChoiceField(
        label="Whose view is it?", choices=View.choices, initial=View.OWN, widget=forms.RadioSelect
    )
    occasion = forms.ChoiceField(label="When in their support", choices=MeasureResponse.Occasion.choices)
    taken_on = forms.DateField(label="Date", initial=timezone.localdate, widget=_DATE)
    session = forms.ModelChoiceField(
        queryset=SupportSession.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, measure: Measure, sessions: QuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["session"].queryset = sessions
        choices = [(o["value"], o["label"]) for o in measure.options]
        for number, wording in enumerate(measure.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {wording}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{number}"] for number in range(1, len(self.measure.items) + 1)]

    def clean_taken_on(self) -> dt.date:
        day = self.cleaned_data["taken_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        if day < timezone.localdate() - dt.timedelta(days=366):
            raise forms.ValidationError("That date is more than a year ago. Please check it.")
        return day

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("declined"):
            return data
        answers = self.answers()
        if all(answer is None for answer in answers):
            self.add_error(
                None, "Choose an answer for each statement, or tick that they would rather not do it."
            )
        elif self.measure.score(answers) is None:
            missing = sum(answer is None for answer in answers)
            self.add_error(
                None,
                f"{missing} statement{'s are' if missing > 1 else ' is'} not answered, so {self.measure} cannot be "
                f"scored (it allows {self.measure.max_missing} missing). Answer them, or tick that they would rather "
                "not do it.",
            )
        return data

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{n}") for n in range(1, len(self.measure.items) + 1)]
